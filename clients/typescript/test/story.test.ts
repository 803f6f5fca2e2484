// The story against the server named by INFRAGRPC_SERVER, with Node's test runner.
import { test } from "node:test";
import { connect } from "../src/client";
import { story } from "../src/example";

test("story from publish to purge", async () => {
  await story(connect());
});
