/**
 * Text knowledge for the Knowledge Guidance blocks (paper Eq. 9–10, Alg. 1 lines 10–15).
 *
 * <p>Flow: the run configuration gives a {@link org.dfbk.train.knowledge.PromptSet} per task;
 * {@link org.dfbk.train.knowledge.TextEncoders#create} builds the configured
 * {@link org.dfbk.train.knowledge.TextEncoder} (embedded all-MiniLM-L6-v2 by default, or the
 * paper's BiomedCLIP text tower from an export folder);
 * {@link org.dfbk.train.knowledge.KnowledgeCache#getOrCompute} encodes the prompts once into a
 * {@link org.dfbk.train.knowledge.TextContext} (token embeddings [L, D] and mask [L]) stored on
 * disk; every KG block takes that context broadcast to the batch (text [N, L, D], mask [N, L]).
 * The {@link org.dfbk.train.knowledge.EncoderId} goes into every checkpoint, and translation
 * reads the cache with {@link org.dfbk.train.knowledge.KnowledgeCache#load}, which refuses a
 * cache made by another encoder.
 */
package org.dfbk.train.knowledge;
