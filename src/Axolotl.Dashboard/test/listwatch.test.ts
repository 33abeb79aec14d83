// Unit tests of when a list-watch lists again at once after losing its connection.
import assert from "node:assert/strict";
import { test } from "node:test";
import { ApiError } from "../src/api";
import { relistsAtOnce } from "../src/listwatch";

const lost = new ApiError(0, "ServiceUnavailable", "The connection to the API server was lost.");

test("a watch that was open for a while and lost its connection lists again at once", () => {
  assert.equal(relistsAtOnce(lost, 10_000, 15_000), true);
});

test("a watch that dropped as soon as it opened waits its turn", () => {
  assert.equal(relistsAtOnce(lost, 10_000, 10_200), false);
});

test("a failed list (no watch open) waits its turn", () => {
  assert.equal(relistsAtOnce(lost, 0, 15_000), false);
});

test("an error the server answered is not a lost connection", () => {
  assert.equal(relistsAtOnce(new ApiError(500, "InternalError", "boom"), 10_000, 15_000), false);
});
