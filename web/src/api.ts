// The console's only way to the server: the generated services over connect-web's gRPC-Web transport,
// on the origin that served the page. A signed-in token rides on every call as a bearer header.
import { Code, ConnectError, createClient, type Interceptor } from "@connectrpc/connect";
import { createGrpcWebTransport } from "@connectrpc/connect-web";
import { BadRequestSchema } from "./gen/google/rpc/error_details_pb";
import { AccessService } from "./gen/infragrpc/v1/access_pb";
import { InfraChartService } from "./gen/infragrpc/v1/chart_pb";
import { PipelineService } from "./gen/infragrpc/v1/pipeline_pb";
import { InfraProjectService } from "./gen/infragrpc/v1/project_pb";

const tokenKey = "infragrpc.token";

/** The bearer credential (API token or OIDC JWT) for this browser tab; sessionStorage ends with the tab. */
export const credentials = {
  get: (): string | null => sessionStorage.getItem(tokenKey),
  set: (token: string) => sessionStorage.setItem(tokenKey, token.trim()),
  clear: () => sessionStorage.removeItem(tokenKey),
};

const bearer: Interceptor = (next) => async (request) => {
  const token = credentials.get();
  if (token) request.header.set("authorization", `Bearer ${token}`);
  return next(request);
};

const transport = createGrpcWebTransport({ baseUrl: window.location.origin, interceptors: [bearer] });

export const charts = createClient(InfraChartService, transport);
export const projects = createClient(InfraProjectService, transport);
export const pipelines = createClient(PipelineService, transport);
export const access = createClient(AccessService, transport);

/** One field's complaint from a server BadRequest, e.g. `values.domain: is required`. */
export interface Violation {
  field: string;
  description: string;
}

/** The BadRequest field violations carried by an error, or none. */
export function violations(error: unknown): Violation[] {
  if (!(error instanceof ConnectError)) return [];
  return error.findDetails(BadRequestSchema).flatMap((b) => b.fieldViolations.map((v) => ({ field: v.field, description: v.description })));
}

const explanations: Partial<Record<Code, string>> = {
  [Code.InvalidArgument]: "The request was refused because some input is not valid",
  [Code.NotFound]: "It does not exist, or you may not see it",
  [Code.AlreadyExists]: "Something with that name already exists",
  [Code.PermissionDenied]: "Your role does not allow this",
  [Code.Unauthenticated]: "You are not signed in, or your token has expired or was revoked",
  [Code.FailedPrecondition]: "It cannot be done in the current state",
  [Code.Aborted]: "Someone changed it at the same time; reload and try again",
  [Code.OutOfRange]: "A value is outside the allowed range",
  [Code.ResourceExhausted]: "The request is too large or too frequent",
  [Code.Unavailable]: "The server cannot be reached right now",
  [Code.DeadlineExceeded]: "The server took too long to answer",
  [Code.Unimplemented]: "The server does not offer this",
  [Code.Internal]: "The server failed while handling this",
  [Code.Unknown]: "The server failed while handling this",
  [Code.Canceled]: "The request was cancelled",
};

/** An error in words: what the status means, then the server's own message (never a bare code). */
export function explain(error: unknown): string {
  if (error instanceof ConnectError) {
    const meaning = explanations[error.code] ?? "The request failed";
    return error.rawMessage ? `${meaning}: ${error.rawMessage}` : `${meaning}.`;
  }
  return error instanceof Error ? error.message : String(error);
}

/** A failure of the connection rather than an answer: worth trying again. */
export function isTransient(error: unknown): boolean {
  return !(error instanceof ConnectError) || [Code.Unavailable, Code.Unknown, Code.Internal, Code.DeadlineExceeded].includes(error.code);
}

export function isCode(error: unknown, code: Code): boolean {
  return error instanceof ConnectError && error.code === code;
}

export { Code, ConnectError };
