/**
 * A typed answer from a zod schema: whole, and as snapshots while its JSON streams in. It runs
 * without a key through `mockResponse` (the model's answer given here); give a real model and key
 * in its place (`openai/gpt-5`, `anthropic/claude-sonnet-4-5`, `gemini/gemini-2.5-flash`, ...).
 */
import { z } from "zod";
import { completion } from "../src/index.js";

const Recipe = z.object({
  title: z.string(),
  minutes: z.number(),
  steps: z.array(z.string()),
  vegan: z.boolean().optional(),
});
const messages = [{ role: "user" as const, content: "A quick pancake recipe, please." }];
// As a model writes it: strict mode sends an optional field the model leaves out as null.
const answer = JSON.stringify(
  {
    title: "Pancakes",
    minutes: 20,
    steps: ["Whisk flour, milk and eggs", "Fry in butter, two minutes a side"],
    vegan: null,
  },
  null,
  1,
);

const response = await completion({
  model: "openai/gpt-5",
  messages,
  responseFormat: Recipe,
  mockResponse: answer,
});
const recipe = response.choices[0]?.message.parsed; // typed: z.output<typeof Recipe> | null
console.log(`${recipe?.title}: ${recipe?.steps.length} steps, ${recipe?.minutes} minutes`);

const stream = await completion({
  model: "openai/gpt-5",
  messages,
  stream: true,
  responseFormat: Recipe,
  mockResponse: answer,
});
for await (const partial of stream.partialObjects()) {
  console.log(`so far: ${JSON.stringify(partial)}`);
}
const final = (await stream.final()).choices[0]?.message.parsed;
console.log(`final: ${final?.title}, vegan: ${final?.vegan ?? "not said"}`);
