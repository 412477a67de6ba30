/**
 * Reliability tests of the 9P client and the netfs engine under faults, load and hostile input: the
 * fault-injecting loopback proxy ({@link io.jnetfs.p9.reliability.FaultProxy}), the soak against a model
 * ({@code SoakDiodTest}), leak checks and the io_uring ring stress. Every test is bounded in count and
 * time and stops by itself; all traffic stays on 127.0.0.1.
 */
package io.jnetfs.p9.reliability;
