import { embedding, imageGeneration, listModels } from "../src/index.js";
import { connect } from "./connect.js";

const { options, close } = await connect();

const embeddings = await embedding({
  model: "cometapi/text-embedding-3-small",
  input: ["Hello", "world"],
  ...options,
});
console.log(
  `${embeddings.data.length} embeddings of ${embeddings.data[0]?.embedding.length} numbers`,
);

const image = await imageGeneration({
  model: "cometapi/dall-e-3",
  prompt: "A red fox in the snow",
  size: "1024x1024",
  ...options,
});
console.log(image.data[0]?.url);

const models = await listModels({ provider: "cometapi", ...options });
console.log(
  `${models.length} models, for example ${models
    .slice(0, 3)
    .map((model) => model.id)
    .join(", ")}`,
);

await close();
