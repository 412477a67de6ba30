package io.jnetfs.benchmarks.harness;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonTest {
    @Test
    void parsesNestedFioLikeOutput() {
        String fio = "note: both iodepth >= 1 and synchronous I/O engine are selected\n"
                + "{\"fio version\":\"fio-3.33\",\"jobs\":[{\"jobname\":\"r\",\"read\":{\"iops\":670123.5,"
                + "\"bw_bytes\":2744826880,\"clat_ns\":{\"mean\":1234.5}},\"write\":{\"iops\":0}}]}";
        Map<String, Object> m = Json.parseObjectIn(fio);
        assertEquals(670123.5, Json.number(m, "jobs", 0, "read", "iops"));
        assertEquals(1234.5, Json.number(m, "jobs", 0, "read", "clat_ns", "mean"));
        assertEquals("r", Json.at(m, "jobs", 0, "jobname"));
        assertTrue(Double.isNaN(Json.number(m, "jobs", 1, "read", "iops")));
        assertNull(Json.at(m, "jobs", 0, "nope"));
    }

    @Test
    void parsesLiteralsEscapesAndExponents() {
        Object v = Json.parse(" [true, false, null, \"a\\\"b\\\\c\\n\\u00e9\", -1.5e3, {}] ");
        assertEquals(List.of(true, false, "a\"b\\c\né", -1500.0, Map.of()), ((List<?>) v).stream()
                .filter(o -> o != null).toList());
        assertNull(((List<?>) v).get(2));
    }

    @Test
    void writesWhatItReadsBack() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("s", "tab\tquote\"");
        m.put("n", 42);
        m.put("nan", Double.NaN);
        m.put("list", List.of(1.5, "x"));
        m.put("raw", new Json.RawJson("[{\"benchmark\": \"b\"}]"));
        Object back = Json.parse(Json.write(m));
        assertEquals("tab\tquote\"", Json.at(back, "s"));
        assertEquals(42.0, Json.number(back, "n"));
        assertNull(Json.at(back, "nan"));
        assertEquals("x", Json.at(back, "list", 1));
        assertEquals("b", Json.at(back, "raw", 0, "benchmark"));
    }

    @Test
    void rejectsMalformedTextNamingTheOffset() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"a\": 1,}"));
        assertTrue(e.getMessage().contains("offset=8"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Json.parse("[1] 2"));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("\"open"));
        assertThrows(IllegalArgumentException.class, () -> Json.parseObjectIn("no json here"));
    }
}
