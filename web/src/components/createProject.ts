import type { MessageInitShape } from "@bufbuild/protobuf";
import type { NavigateFunction } from "react-router";
import { projects, violations } from "../api";
import type { CreateProjectRequestSchema } from "../gen/infragrpc/v1/project_pb";
import { byField } from "./Field";

/**
 * Creates a project and lands on its page, following its first pipeline. The server's field violations go
 * to `setErrors` (shown at their fields), and the error is rethrown for the form's own message.
 */
export async function createAndFollow(
  request: MessageInitShape<typeof CreateProjectRequestSchema>,
  navigate: NavigateFunction,
  setErrors: (errors: Record<string, string>) => void,
): Promise<void> {
  setErrors({});
  try {
    const created = await projects.createProject({ requestId: crypto.randomUUID(), message: "created from the web console", ...request });
    const p = created.project!;
    navigate(`/projects/${encodeURIComponent(p.org)}/${encodeURIComponent(p.name)}${created.pipeline ? `?pipeline=${created.pipeline.id}` : ""}`);
  } catch (error) {
    setErrors(byField(violations(error)));
    throw error;
  }
}
