import { APIError, AuthenticationError, completion, RateLimitError } from "../src/index.js";
import { connect } from "./connect.js";

const { options, close } = await connect();
try {
  await completion({
    model: "cometapi/gpt-4o-mini",
    messages: [{ role: "user", content: "Hi" }],
    ...options,
    apiKey: "sk-wrong",
  });
} catch (error) {
  if (error instanceof AuthenticationError) console.log(`${error.name}: ${error.message}`);
  else if (error instanceof RateLimitError)
    console.log(`rate limited after ${error.attempts} attempts`);
  else if (error instanceof APIError) console.log(error.status, error.message);
  else throw error;
}
await close();
