/**
 * What Rinde knows about a reference office category before any municipality profile is loaded:
 * words and phrases citizens use for its topics, and example questions. Written by hand, in our
 * own words, to cover the `covers` list of ../shared/routing/offices.yaml broadly; never copied
 * from the labelled evaluation sets (see ../shared/routing/README.md).
 */
export interface CategoryKnowledge {
  /** A reference category key from offices.yaml. */
  readonly category: string;
  /** Words and short phrases strongly tied to the category (slang, acronyms and trámites included). */
  readonly keywords: readonly string[];
  /** Example citizen messages, in varied registers (chat, formal, misspelled). */
  readonly examples: readonly string[];
}
