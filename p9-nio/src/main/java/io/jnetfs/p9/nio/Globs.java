package io.jnetfs.p9.nio;

import java.util.regex.PatternSyntaxException;

/**
 * Glob patterns as {@link java.nio.file.FileSystem#getPathMatcher} describes them, translated to a
 * regular expression over a path's string (the default provider's matcher is the model the property
 * test compares against).
 *
 * <pre>
 *   *        any run of characters within one name        [^/]*
 *   **       any run of characters across names           .*
 *   ?        one character, not '/'                       [^/]
 *   [a-z]    one of a class, never '/'; [!a] negates      [[^/]&amp;&amp;[a-z]]
 *   {a,b}    one of the alternatives (no nesting)         (?:(?:a)|(?:b))
 *   \c       c itself
 * </pre>
 */
final class Globs {
    private static final String REGEX_META = ".^$+{[]|()";
    private static final String GLOB_META = "\\*?[{";

    private Globs() {
    }

    /**
     * Translates a glob.
     *
     * @param glob the pattern
     * @return an anchored regular expression
     * @throws PatternSyntaxException for a dangling escape, an unclosed class or group, a bad range, a
     *     nested group or a '/' inside a class
     */
    static String toRegex(String glob) {
        StringBuilder re = new StringBuilder("^");
        boolean inGroup = false;
        int i = 0;
        int n = glob.length();
        while (i < n) {
            char c = glob.charAt(i++);
            switch (c) {
                case '\\' -> {
                    if (i == n) {
                        throw new PatternSyntaxException("No character to escape", glob, i - 1);
                    }
                    char e = glob.charAt(i++);
                    if (GLOB_META.indexOf(e) >= 0 || REGEX_META.indexOf(e) >= 0) {
                        re.append('\\');
                    }
                    re.append(e);
                }
                case '[' -> i = bracket(glob, i, re);
                case '{' -> {
                    if (inGroup) {
                        throw new PatternSyntaxException("Cannot nest groups", glob, i - 1);
                    }
                    inGroup = true;
                    re.append("(?:(?:");
                }
                case '}' -> {
                    re.append(inGroup ? "))" : "}");
                    inGroup = false;
                }
                case ',' -> re.append(inGroup ? ")|(?:" : ",");
                case '*' -> {
                    if (i < n && glob.charAt(i) == '*') {
                        i++;
                        re.append(".*");
                    } else {
                        re.append("[^/]*");
                    }
                }
                case '?' -> re.append("[^/]");
                default -> {
                    if (REGEX_META.indexOf(c) >= 0) {
                        re.append('\\');
                    }
                    re.append(c);
                }
            }
        }
        if (inGroup) {
            throw new PatternSyntaxException("Missing '}", glob, i - 1);
        }
        return re.append('$').toString();
    }

    /**
     * Translates a class starting after its '['.
     *
     * @return the index after its ']'
     */
    private static int bracket(String glob, int start, StringBuilder re) {
        int n = glob.length();
        int i = start;
        re.append("[[^/]&&[");
        if (i < n && glob.charAt(i) == '^') {
            re.append("\\^"); // a literal '^', not the regex's negation
            i++;
        } else {
            if (i < n && glob.charAt(i) == '!') {
                re.append('^');
                i++;
            }
            if (i < n && glob.charAt(i) == '-') {
                re.append('-');
                i++;
            }
        }
        char prev = 0;
        boolean canStartRange = false;
        while (i < n) {
            char c = glob.charAt(i++);
            if (c == ']') {
                re.append("]]");
                return i;
            }
            if (c == '/') {
                throw new PatternSyntaxException("Explicit 'name separator' in class", glob, i - 1);
            }
            if (c == '-') {
                if (!canStartRange) {
                    throw new PatternSyntaxException("Invalid range", glob, i - 1);
                }
                re.append('-');
                if (i == n) {
                    break;
                }
                char hi = glob.charAt(i++);
                if (hi == ']') {
                    re.append("]]");
                    return i;
                }
                if (hi < prev) {
                    throw new PatternSyntaxException("Invalid range", glob, i - 3);
                }
                re.append(hi);
                canStartRange = false;
                continue;
            }
            if (c == '\\' || c == '[' || (c == '&' && i < n && glob.charAt(i) == '&')) {
                re.append('\\');
            }
            re.append(c);
            prev = c;
            canStartRange = true;
        }
        throw new PatternSyntaxException("Missing ']", glob, i - 1);
    }
}
