import { lazy, StrictMode, Suspense } from "react";
import { createRoot } from "react-dom/client";
import { BrowserRouter, NavLink, Route, Routes } from "react-router";
import { roleName, SessionProvider, useSession } from "./session";
import "./styles.css";

// Each page is its own chunk: the graph layout and the diff view load only where they are used.
const Catalog = lazy(() => import("./pages/Catalog"));
const ChartPage = lazy(() => import("./pages/ChartPage"));
const Wizard = lazy(() => import("./pages/Wizard"));
const GitWizard = lazy(() => import("./pages/GitWizard"));
const Projects = lazy(() => import("./pages/Projects"));
const ProjectPage = lazy(() => import("./pages/ProjectPage"));

function Identity() {
  const { identity, signOut } = useSession();
  if (!identity) return null;
  const roles = identity.roles.map((r) => `${roleName(r.role)}${r.org && r.org !== "*" ? ` in ${r.org}` : " (instance)"}`).join(", ");
  return (
    <div className="identity">
      <span title={roles || "no roles"}>
        Signed in as <strong data-testid="identity">{identity.name || "anonymous"}</strong>
        {identity.method === "anonymous" && <span className="muted"> (open on loopback)</span>}
      </span>
      {identity.method !== "anonymous" && (
        <button type="button" className="link" onClick={signOut}>
          Sign out
        </button>
      )}
    </div>
  );
}

function Layout() {
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <NavLink to="/" className="brand">
          InfraGrpc
        </NavLink>
        <nav aria-label="Main">
          <NavLink to="/projects">Projects</NavLink>
          <NavLink to="/charts">Catalog</NavLink>
          <NavLink to="/new">New project</NavLink>
        </nav>
        <Identity />
      </header>
      <main id="main" tabIndex={-1}>
        <Suspense fallback={<p role="status">Loading…</p>}>
          <Routes>
            <Route path="/" element={<Projects />} />
            <Route path="/projects" element={<Projects />} />
            <Route path="/projects/:org/:name" element={<ProjectPage />} />
            <Route path="/charts" element={<Catalog />} />
            <Route path="/charts/:name" element={<ChartPage />} />
            <Route path="/new" element={<Wizard />} />
            <Route path="/new/git" element={<GitWizard />} />
            <Route path="*" element={<p>There is no page here.</p>} />
          </Routes>
        </Suspense>
      </main>
    </>
  );
}

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <BrowserRouter>
      <SessionProvider>
        <Layout />
      </SessionProvider>
    </BrowserRouter>
  </StrictMode>,
);
