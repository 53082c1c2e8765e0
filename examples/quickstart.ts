import { completion } from "../src/index.js";
import { connect } from "./connect.js";

const { options, close } = await connect();
const response = await completion({
  model: "cometapi/gpt-4o-mini",
  messages: [{ role: "user", content: "Hello, how are you?" }],
  ...options,
});
console.log(response.choices[0]?.message.content);
await close();
