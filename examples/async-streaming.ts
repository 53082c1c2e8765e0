import { completion } from "../src/index.js";
import { connect } from "./connect.js";

const { options, close } = await connect();
const texts = await Promise.all(
  ["Tell me a joke.", "Tell me a fact."].map(async (content) => {
    const stream = await completion({
      model: "cometapi/gpt-4o-mini",
      messages: [{ role: "user", content }],
      stream: true,
      ...options,
    });
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    return text;
  }),
);
console.log(texts.join("\n---\n"));
await close();
