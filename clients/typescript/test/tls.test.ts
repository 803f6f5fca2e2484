// Against a TLS server that requires a token (test.sh starts one and sets INFRAGRPC_TLS_SERVER,
// INFRAGRPC_TLS_CA_FILE and INFRAGRPC_TLS_TOKEN_FILE): the CA file and token file are enough, and
// without either the call fails the way it should.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Code, ConnectError, connect } from "../src/client";

const server = process.env.INFRAGRPC_TLS_SERVER;
const caFile = process.env.INFRAGRPC_TLS_CA_FILE;
const tokenFile = process.env.INFRAGRPC_TLS_TOKEN_FILE;

test("https with a CA file and a token file", { skip: !server && "no TLS server given" }, async () => {
  const listed = await connect(server, { caFile, tokenFile }).charts.listCharts({});
  assert.ok(listed.charts.length > 0);

  await assert.rejects(connect(server, { caFile }).charts.listCharts({}), (e: unknown) => e instanceof ConnectError && e.code === Code.Unauthenticated);
  await assert.rejects(connect(server, { tokenFile }).charts.listCharts({}), (e: unknown) => e instanceof ConnectError && /certificate/i.test(e.message));
});
