/** What a thrown value says, for logs and for errors that wrap it: no module of its own beyond this, so that build processes and clients take it without the logger. */

/** An error as log fields: its message and its class's name; anything thrown that is no Error, as text. */
export function errorFields(error: unknown): { readonly error: string; readonly errorType: string } {
  return { error: errorMessage(error), errorType: error instanceof Error ? error.name : typeof error };
}

/** The message of anything thrown: an Error's, or the thing as text. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
