package io.jnetfs.mount;

import java.io.IOException;
import java.nio.file.Path;

/** {@link MountProgramsTest} on a mount of diod. */
class MountProgramsDiodTest extends MountProgramsTest {
    @Override
    Remote remote(Path export) throws IOException {
        return Remote.diod(export);
    }
}
