package org.jstgt.shell;

import java.util.Collection;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.FileCompleter;
import org.jstgt.api.media.MediumFormatter;
import org.osgi.framework.ServiceReference;

/** {@code iscsi:cartridge-create}. */
@Service
@Command(scope = "iscsi", name = "cartridge-create", description = "Creates a blank tape cartridge <dir>/<barcode>.tape "
        + "(the tape image format of jstgt-device-tape); every library whose changer.media is that directory puts it "
        + "in a free slot (else a mail slot) at once.", detailedDescription = "classpath:help/cartridge-create.txt")
public final class CartridgeCreateCommand extends MediaCommand {

    @Argument(index = 0, name = "dir", required = true, description = "The cartridge directory (a library's changer.media)")
    @Completion(FileCompleter.class)
    String dir;

    @Argument(index = 1, name = "barcode", required = true, description = "The barcode: 1 to 32 printable ASCII "
            + "characters without spaces (e.g. JST001L4)")
    String barcode;

    @Option(name = "--size", description = "Native capacity, with a unit (B, KiB, MiB, GiB, TiB); default 4GiB")
    String size;

    @Override
    public Object execute() throws Exception {
        Collection<ServiceReference<MediumFormatter>> refs = bundleContext.getServiceReferences(MediumFormatter.class,
                "(" + MediumFormatter.FORMAT + "=tape)");
        if (refs.isEmpty()) {
            throw new IllegalStateException("no tape cartridge format is installed: feature:install jstgt-device-tape");
        }
        ServiceReference<MediumFormatter> ref = refs.iterator().next();
        MediumFormatter f = bundleContext.getService(ref);
        if (f == null) {
            throw new IllegalStateException("the tape cartridge format went away; try again");
        }
        try {
            changers().create(f, dir, barcode, size);
        } finally {
            bundleContext.ungetService(ref);
        }
        return null;
    }
}
