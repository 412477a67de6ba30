package io.jnetfs.benchmarks.harness;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The small JSON reader and writer the harness needs for the peers' output (C programs, fio, iperf3)
 * and for the results file; JMH's own JSON is copied through as text.
 *
 * <p>Reading gives {@link Map} (insertion-ordered), {@link List}, {@link String}, {@link Double},
 * {@link Boolean} and {@code null}. Writing accepts the same plus any {@link Number} and
 * {@link RawJson} (text inserted verbatim).
 */
final class Json {
    private final String text;
    private int pos;

    private Json(String text) {
        this.text = text;
    }

    /**
     * JSON text to insert verbatim when writing (such as JMH's own result file).
     *
     * @param text valid JSON
     */
    record RawJson(String text) {
    }

    /**
     * Parses one JSON value; trailing text other than whitespace is an error.
     *
     * @param text the JSON text
     * @return the value
     * @throws IllegalArgumentException naming the offset if the text is not JSON
     */
    static Object parse(String text) {
        Json p = new Json(text);
        Object v = p.value();
        p.skipSpace();
        if (p.pos != text.length()) {
            throw p.error("trailing text");
        }
        return v;
    }

    /**
     * Parses the first JSON object in {@code text}, skipping anything before its first '{' (fio prints
     * notes before its JSON on some errors).
     *
     * @param text output that contains one JSON object
     * @return the object
     * @throws IllegalArgumentException if there is none
     */
    @SuppressWarnings("unchecked")
    static Map<String, Object> parseObjectIn(String text) {
        int start = text.indexOf('{');
        if (start < 0) {
            throw new IllegalArgumentException("no JSON object in output: " + abbreviate(text));
        }
        Json p = new Json(text);
        p.pos = start;
        return (Map<String, Object>) p.value();
    }

    /**
     * Follows a path of object keys and array indexes.
     *
     * @param root a parsed value
     * @param path keys ({@link String}) and indexes ({@link Integer})
     * @return the value at the path, or {@code null} where it is missing
     */
    static Object at(Object root, Object... path) {
        Object v = root;
        for (Object step : path) {
            if (step instanceof String key && v instanceof Map<?, ?> m) {
                v = m.get(key);
            } else if (step instanceof Integer i && v instanceof List<?> l && i < l.size()) {
                v = l.get(i);
            } else {
                return null;
            }
        }
        return v;
    }

    /**
     * A number at a path.
     *
     * @param root a parsed value
     * @param path keys and indexes
     * @return the number, or NaN where the path is missing or not a number
     */
    static double number(Object root, Object... path) {
        return at(root, path) instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    /**
     * Writes a value as indented JSON.
     *
     * @param value a map, list, string, number, boolean, {@link RawJson} or null
     * @return the JSON text
     */
    static String write(Object value) {
        StringBuilder sb = new StringBuilder();
        write(sb, value, 0);
        return sb.append('\n').toString();
    }

    private static void write(StringBuilder sb, Object v, int indent) {
        switch (v) {
            case null -> sb.append("null");
            case RawJson raw -> sb.append(raw.text().strip());
            case String s -> quote(sb, s);
            case Double d when d.isNaN() || d.isInfinite() -> sb.append("null");
            case Float f when f.isNaN() || f.isInfinite() -> sb.append("null");
            case Number n -> sb.append(n);
            case Boolean b -> sb.append(b);
            case Map<?, ?> m -> {
                sb.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    sb.append(first ? "\n" : ",\n").append("  ".repeat(indent + 1));
                    quote(sb, String.valueOf(e.getKey()));
                    sb.append(": ");
                    write(sb, e.getValue(), indent + 1);
                    first = false;
                }
                sb.append(first ? "}" : "\n" + "  ".repeat(indent) + "}");
            }
            case List<?> l -> {
                sb.append('[');
                boolean first = true;
                for (Object e : l) {
                    sb.append(first ? "\n" : ",\n").append("  ".repeat(indent + 1));
                    write(sb, e, indent + 1);
                    first = false;
                }
                sb.append(first ? "]" : "\n" + "  ".repeat(indent) + "]");
            }
            default -> quote(sb, v.toString());
        }
    }

    private static void quote(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    private Object value() {
        skipSpace();
        if (pos >= text.length()) {
            throw error("unexpected end");
        }
        char c = text.charAt(pos);
        return switch (c) {
            case '{' -> object();
            case '[' -> array();
            case '"' -> string();
            case 't' -> literal("true", Boolean.TRUE);
            case 'f' -> literal("false", Boolean.FALSE);
            case 'n' -> literal("null", null);
            default -> number();
        };
    }

    private Map<String, Object> object() {
        Map<String, Object> m = new LinkedHashMap<>();
        pos++;
        skipSpace();
        if (peek() == '}') {
            pos++;
            return m;
        }
        while (true) {
            skipSpace();
            String key = string();
            skipSpace();
            expect(':');
            m.put(key, value());
            skipSpace();
            if (peek() == ',') {
                pos++;
            } else {
                expect('}');
                return m;
            }
        }
    }

    private List<Object> array() {
        List<Object> l = new ArrayList<>();
        pos++;
        skipSpace();
        if (peek() == ']') {
            pos++;
            return l;
        }
        while (true) {
            l.add(value());
            skipSpace();
            if (peek() == ',') {
                pos++;
            } else {
                expect(']');
                return l;
            }
        }
    }

    private String string() {
        expect('"');
        StringBuilder sb = new StringBuilder();
        while (pos < text.length()) {
            char c = text.charAt(pos++);
            if (c == '"') {
                return sb.toString();
            }
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            if (pos >= text.length()) {
                break;
            }
            char e = text.charAt(pos++);
            switch (e) {
                case 'n' -> sb.append('\n');
                case 't' -> sb.append('\t');
                case 'r' -> sb.append('\r');
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'u' -> {
                    if (pos + 4 > text.length()) {
                        throw error("bad \\u escape");
                    }
                    sb.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
                    pos += 4;
                }
                default -> sb.append(e);
            }
        }
        throw error("unterminated string");
    }

    private Double number() {
        int start = pos;
        while (pos < text.length() && "+-0123456789.eE".indexOf(text.charAt(pos)) >= 0) {
            pos++;
        }
        if (start == pos) {
            throw error("unexpected character '" + text.charAt(pos) + "'");
        }
        try {
            return Double.valueOf(text.substring(start, pos));
        } catch (NumberFormatException e) {
            throw error("bad number " + text.substring(start, pos));
        }
    }

    private Object literal(String word, Object value) {
        if (!text.startsWith(word, pos)) {
            throw error("unexpected token");
        }
        pos += word.length();
        return value;
    }

    private char peek() {
        return pos < text.length() ? text.charAt(pos) : '\0';
    }

    private void expect(char c) {
        if (peek() != c) {
            throw error("expected '" + c + "'");
        }
        pos++;
    }

    private void skipSpace() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException("invalid JSON at offset=" + pos + ": " + what);
    }

    /**
     * Trims a tool's output for an error message.
     *
     * @param s the output
     * @return it stripped, at most 300 characters and "..."
     */
    static String abbreviate(String s) {
        String t = s.strip();
        return t.length() <= 300 ? t : t.substring(0, 300) + "...";
    }
}
