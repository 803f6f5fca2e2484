// Create a project whose manifests come from a git repository (the seed's other source model).
import { useState } from "react";
import { Link, useNavigate } from "react-router";
import { createAndFollow } from "../components/createProject";
import { parseLabels, TextField } from "../components/Field";
import { ErrorNote, useAction } from "../load";

export default function GitWizard() {
  const [form, setForm] = useState({ name: "", org: "default", env: "default", labels: "", url: "", ref: "main", path: "", secret: "" });
  const [pullRequests, setPullRequests] = useState(false);
  const [requireApproval, setRequireApproval] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const action = useAction();
  const navigate = useNavigate();
  const set = (key: keyof typeof form) => (value: string) => setForm((f) => ({ ...f, [key]: value }));

  const submit = () =>
    action.run(async () => {
      await createAndFollow(
        {
          name: form.name,
          org: form.org,
          env: form.env,
          labels: parseLabels(form.labels),
          source: { case: "git", value: { url: form.url, ref: form.ref, path: form.path, webhookSecret: form.secret } },
          controls: { enablePullRequestDeployments: pullRequests, requireApproval },
        },
        navigate,
        setErrors,
      );
    });

  return (
    <section className="wizard">
      <h1>New project from git</h1>
      <p className="muted">
        The repository holds Cloud Resource manifests; every push to the branch makes a new revision. Or{" "}
        <Link to="/new">create one from a catalog chart</Link>.
      </p>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <fieldset>
          <legend>Project</legend>
          <TextField label="Name" field="name" required value={form.name} onChange={set("name")} errors={errors} />
          <TextField label="Org" field="org" value={form.org} onChange={set("org")} errors={errors} />
          <TextField label="Environment" field="env" value={form.env} onChange={set("env")} errors={errors} />
          <TextField label="Labels" field="labels" value={form.labels} onChange={set("labels")} errors={errors} placeholder="team=web" />
        </fieldset>
        <fieldset>
          <legend>Repository</legend>
          <TextField label="Repository URL" field="git.url" required value={form.url} onChange={set("url")} errors={errors} placeholder="https://git.example.com/infra/site.git" />
          <TextField label="Branch" field="git.ref" value={form.ref} onChange={set("ref")} errors={errors} />
          <TextField label="Folder" field="git.path" value={form.path} onChange={set("path")} errors={errors} help="The folder with the manifests; empty for the repository root." />
          <TextField
            label="Webhook secret"
            field="git.webhook_secret"
            type="password"
            value={form.secret}
            onChange={set("secret")}
            errors={errors}
            help="Pushes are accepted only when signed with this secret. It is stored encrypted and never shown again."
          />
          <div className="field">
            <label>
              <input type="checkbox" role="switch" className="switch" checked={pullRequests} onChange={(e) => setPullRequests(e.target.checked)} /> Deploy pull-request previews
            </label>
          </div>
          <div className="field">
            <label>
              <input type="checkbox" role="switch" className="switch" checked={requireApproval} onChange={(e) => setRequireApproval(e.target.checked)} /> Require a manual approval before deploying
            </label>
          </div>
        </fieldset>
        {Object.keys(errors).length === 0 ? <ErrorNote error={action.error} /> : (
          <ul className="error" role="alert">
            {Object.entries(errors).map(([f, d]) => (
              <li key={f}>
                <code>{f}</code>: {d}
              </li>
            ))}
          </ul>
        )}
        <div className="actions">
          <button type="submit" className="primary" disabled={action.busy}>
            Create and Deploy
          </button>
        </div>
      </form>
    </section>
  );
}
