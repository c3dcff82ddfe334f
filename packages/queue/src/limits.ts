/** Input limits shared by the API's validators and the worker's payload check. */
export const MAX_TEXT_CHARS = 5000;
export const MAX_BATCH_TEXTS = 100;
export const MAX_JOB_TEXTS = 10_000;
