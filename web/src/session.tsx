// Who the console is talking as. The server decides: WhoAmI succeeds (a token, or the loopback
// quickstart's open mode) or answers UNAUTHENTICATED, and then the sign-in form is shown.
import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from "react";
import { access, Code, credentials, explain, isCode } from "./api";
import type { WhoAmIResponse } from "./gen/infragrpc/v1/access_pb";
import { Role } from "./gen/infragrpc/v1/access_pb";

interface Session {
  identity: WhoAmIResponse | null;
  signOut(): void;
  /** Called by pages when a call answered UNAUTHENTICATED (a revoked or expired token). */
  expired(): void;
}

const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error("useSession outside SessionProvider");
  return session;
}

export function roleName(role: Role): string {
  return (Role[role] ?? "none").toLowerCase();
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [identity, setIdentity] = useState<WhoAmIResponse | null>(null);
  const [state, setState] = useState<"checking" | "signed-in" | "signed-out">("checking");
  const [message, setMessage] = useState<string>("");

  const check = useCallback(async () => {
    setState("checking");
    try {
      setIdentity(await access.whoAmI({}));
      setState("signed-in");
      setMessage("");
    } catch (error) {
      if (credentials.get() && isCode(error, Code.Unauthenticated)) {
        credentials.clear();
        setMessage("That token was not accepted: it may be wrong, expired or revoked.");
      } else if (!isCode(error, Code.Unauthenticated)) {
        setMessage(explain(error));
      }
      setIdentity(null);
      setState("signed-out");
    }
  }, []);

  useEffect(() => {
    void check();
  }, [check]);

  const signOut = useCallback(() => {
    credentials.clear();
    setIdentity(null);
    setMessage("");
    setState("signed-out");
  }, []);

  const expired = useCallback(() => {
    credentials.clear();
    setIdentity(null);
    setMessage("Your session ended: the token expired or was revoked. Sign in again.");
    setState("signed-out");
  }, []);

  if (state === "checking") return <p className="loading" role="status">Connecting to the server…</p>;
  if (state === "signed-out") return <SignIn message={message} onSignIn={check} />;
  return <SessionContext.Provider value={{ identity, signOut, expired }}>{children}</SessionContext.Provider>;
}

function SignIn({ message, onSignIn }: { message: string; onSignIn: () => Promise<void> }) {
  const [token, setToken] = useState("");
  return (
    <main className="sign-in">
      <h1>Sign in to InfraGrpc</h1>
      <p>
        This server requires authentication. Paste an API token (<code>infractl token create</code>) or a JWT from your
        identity provider.
      </p>
      {message && (
        <p className="error" role="alert">
          {message}
        </p>
      )}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (!token.trim()) return;
          credentials.set(token);
          void onSignIn();
        }}
      >
        <label htmlFor="token">Token</label>
        <input id="token" type="password" autoComplete="off" value={token} onChange={(e) => setToken(e.target.value)} autoFocus />
        <button type="submit" className="primary">
          Sign in
        </button>
      </form>
      <p className="hint">The token is kept in this tab only (session storage) and sent to this server alone.</p>
    </main>
  );
}
