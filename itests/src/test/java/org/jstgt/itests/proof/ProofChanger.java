package org.jstgt.itests.proof;

import org.jstgt.api.media.RemovableMedium;
import org.jstgt.api.scsi.CommandDescriptor;
import org.jstgt.api.scsi.CommandResult;
import org.jstgt.api.scsi.DataDirection;
import org.jstgt.api.scsi.LogicalUnit;
import org.jstgt.api.scsi.Queueing;
import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.ScsiTask;
import org.jstgt.api.scsi.Sense;
import org.jstgt.api.scsi.SenseKey;
import org.jstgt.api.scsi.SenseReason;
import org.jstgt.api.scsi.UnitContext;

/**
 * The changer side of {@link ProofDevice} (peripheral type 8): MOVE MEDIUM (A5h, SMC-3 §6.4; bytes
 * 4-5 SOURCE ADDRESS) loads cartridge {@code cart<source>} into the drive LUN it names, found
 * through the core's LUN directory, never by a reference to the drive's bundle. TEST UNIT READY
 * answers GOOD; anything else is INVALID COMMAND OPERATION CODE.
 */
final class ProofChanger implements LogicalUnit {
    /** SMC-3: MEDIUM DESTINATION ELEMENT FULL / element not usable, reported as 3Bh/0Dh. */
    static final Sense DESTINATION_FULL = Sense.of(SenseKey.ILLEGAL_REQUEST, 0x3B, 0x0D);

    private final UnitContext context;
    private final String drive;

    ProofChanger(UnitContext context, String drive) {
        this.context = context;
        this.drive = drive;
    }

    @Override
    public Queueing queueing() {
        return Queueing.IN_ORDER;
    }

    @Override
    public CommandDescriptor parse(ScsiTask task) throws ScsiException {
        var cdb = task.cdb();
        return switch (cdb.opcode()) {
            case 0x00 -> ProofDrive.command(DataDirection.NONE, 0, t -> ProofDrive.done(CommandResult.good()));
            case 0xA5 -> {
                String cartridge = "cart" + cdb.u16(4);
                yield ProofDrive.command(DataDirection.NONE, 0, t -> {
                    RemovableMedium slot = context.luns().unit(drive).flatMap(LogicalUnit::removableMedium)
                            .orElseThrow(() -> new ScsiException(SenseReason.LOGICAL_UNIT_NOT_READY_CAUSE_NOT_REPORTABLE,
                                    "drive LUN " + drive + " is not active"));
                    if (slot.loaded().isPresent()) {
                        throw new ScsiException(DESTINATION_FULL);
                    }
                    return slot.load(cartridge).thenApply(v -> CommandResult.good());
                });
            }
            default -> throw new ScsiException(SenseReason.INVALID_COMMAND_OPERATION_CODE).inCdb(0, -1);
        };
    }

    @Override
    public int peripheralDeviceType() {
        return 8;
    }

    @Override
    public long capacityBytes() {
        return 0;
    }

    @Override
    public void close() {
    }
}
