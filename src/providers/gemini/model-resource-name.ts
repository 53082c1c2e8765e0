/**
 * A model id as Gemini's resource name: `gemini-2.5-flash` -> `models/gemini-2.5-flash`. An id
 * that already names a resource (`models/...`, `tunedModels/...`) is used as it is.
 */
export function modelResourceName(model: string): string {
  return model.includes("/") ? model : `models/${model}`;
}
