/**
 * Concurrency stress for bvecq (the jcstress-style equivalent, bounded in rounds and time): slot
 * publication between one appending thread and readers, and reference counting of segments and folios
 * raced across threads. Every outcome is counted; a forbidden one fails the test.
 */
package io.jnetfs.bvecq.stress;
