/** Columns of a score table that are not models (RouterBench and RouteLLM benchmark files). */
export const NON_MODEL_COLUMN = /^(|prompt|sample_id|eval_name|oracle_model_to_route_to|question_id|category|idx|id)$|\||_response$/;
