// Runs the graphql-http package's server audit against URL (argv[2]) with KEY (argv[3]) as bearer key;
// prints one JSON line per audit: {id, name, status, reason}. Used by tests/api/test_http_conformance.py.
const { serverAudits } = require("graphql-http");

const [url, key] = process.argv.slice(2);
const fetchFn = (input, init = {}) =>
  fetch(input, { ...init, headers: { ...(init.headers || {}), authorization: `Bearer ${key}` } });

(async () => {
  for (const audit of serverAudits({ url, fetchFn })) {
    const result = await audit.fn();
    console.log(JSON.stringify({ id: result.id, name: result.name, status: result.status, reason: result.reason || "" }));
  }
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
