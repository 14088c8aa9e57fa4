package org.jstgt.shell.importer;

import java.util.ArrayList;
import java.util.List;

import org.jstgt.shell.importer.ImportPlan.Note;
import org.jstgt.shell.importer.IstgtConf.Entry;
import org.jstgt.shell.importer.IstgtConf.Section;

/**
 * What a conversion found in one istgt file: notes (not imported, and why) and errors (nothing may
 * be written), each naming {@code file:line}.
 *
 * @param file the file, for {@code file:line}
 * @param notes the notes, in the order found
 * @param errors the errors, in the order found
 */
record Findings(String file, List<Note> notes, List<String> errors) {
    Findings(String file) {
        this(file, new ArrayList<>(), new ArrayList<>());
    }

    /** @return {@code file:line} */
    String where(int line) {
        return file + ":" + line;
    }

    void note(Section s, Entry e, String why) {
        notes.add(new Note(where(e.line()), s.name(), e.key(), why));
    }

    void note(String where, String section, String key, String why) {
        notes.add(new Note(where, section, key, why));
    }

    void error(int line, String why) {
        errors.add(where(line) + ": " + why);
    }
}
