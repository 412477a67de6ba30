/** The netfs engine against the raw p9 client and fio: cold and warm reads, sequential writes. */
package io.jnetfs.benchmarks.netfs;
