/**
 * The hand-written layer over the generated bindings: {@link io.jnetfs.ffm.Native}, the one gateway
 * through which every system call goes (errno captured in the same downcall, failures returned as
 * {@code -errno}); {@link io.jnetfs.ffm.Errno}, the errno table; {@link io.jnetfs.ffm.Errors} with
 * {@link io.jnetfs.ffm.NativeIoException}, which make the exceptions at the public edge; and
 * {@link io.jnetfs.ffm.PathCalls}, the calls on a path in Java values ({@link io.jnetfs.ffm.FileStat},
 * {@link io.jnetfs.ffm.FsStat}) for callers that should not touch the generated structs.
 *
 * <p>The generated code lives in {@code io.jnetfs.ffm.gen}: produced by jextract from
 * {@code src/main/jextract/jnetfs.h} and the filter {@code includes.txt}, regenerated with
 * {@code make bindings}, never edited by hand. Its structs are used by the modules that own them: this
 * one, bvecq-native-view (iovec, msghdr), io-uring (the io_uring UAPI) and fiemap (fiemap, fiemap_extent).
 * Any other module that reaches into {@code io.jnetfs.ffm.gen} declares it, with the reason, in its pom's
 * {@code jnetfs.ffm.gen} property ({@code .ci/check-gen-uses} fails the CI run otherwise).
 */
package io.jnetfs.ffm;
