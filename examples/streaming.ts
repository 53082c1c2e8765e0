import { completion } from "../src/index.js";
import { connect } from "./connect.js";

const { options, close } = await connect();
const stream = await completion({
  model: "cometapi/gpt-4o-mini",
  messages: [{ role: "user", content: "Write a haiku about the sea." }],
  stream: true,
  ...options,
});
for await (const chunk of stream) process.stdout.write(chunk.choices[0]?.delta.content ?? "");
console.log();
await close();
