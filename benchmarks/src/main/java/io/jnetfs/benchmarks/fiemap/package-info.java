/**
 * Benchmarks of the fiemap module: {@link io.jnetfs.benchmarks.fiemap.OccupancyBench}, one cache
 * occupancy query by FIEMAP against SEEK_DATA/SEEK_HOLE over files of 1, 100 and 10,000 extents.
 * Results and the command that made them are in BENCHMARKS.md under "fiemap".
 */
package io.jnetfs.benchmarks.fiemap;
