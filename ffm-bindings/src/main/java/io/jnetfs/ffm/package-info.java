/**
 * The hand-written layer over the generated bindings: {@link io.jnetfs.ffm.Native}, the one gateway
 * through which every system call goes (errno captured in the same downcall, failures returned as
 * {@code -errno}); {@link io.jnetfs.ffm.Errno}, the errno table; and {@link io.jnetfs.ffm.Errors} with
 * {@link io.jnetfs.ffm.NativeIoException}, which make the exceptions at the public edge.
 *
 * <p>The generated code lives in {@code io.jnetfs.ffm.gen}: produced by jextract from
 * {@code src/main/jextract/jnetfs.h} and the filter {@code includes.txt}, regenerated with
 * {@code make bindings}, never edited by hand.
 */
package io.jnetfs.ffm;
