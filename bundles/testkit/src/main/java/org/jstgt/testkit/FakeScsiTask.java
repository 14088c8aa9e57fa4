package org.jstgt.testkit;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

import org.jstgt.api.scsi.Cdb;
import org.jstgt.api.scsi.DataDirection;
import org.jstgt.api.scsi.ScsiTask;
import org.jstgt.api.scsi.TaskAttribute;

/**
 * A {@link ScsiTask} as a fabric would hand it to the SCSI core or a device, for unit tests of
 * device emulation and of the core without a transport.
 *
 * <p>Data-Out is a heap buffer that {@link #dataOut()} hands out as a fresh view at position 0 on
 * every call, as the iSCSI transport does. Data-In is a heap buffer allocated on the device's first
 * {@link #dataIn(int)} call; a second call fails, as the {@code ScsiTask} contract allows only one.
 * The test reads what the device wrote with {@link #dataInBytes(int)}.
 *
 * <p>The identity defaults ({@link #INITIATOR_NAME}, {@link #TARGET_NAME}, ...) are iSCSI names
 * (RFC 7143 §4.2.7); change them with the {@link Builder}.
 */
public final class FakeScsiTask implements ScsiTask {

    /** Default initiator node name. */
    public static final String INITIATOR_NAME = "iqn.2026-11.org.jstgt:init";
    /** Default initiator port name ({@code <iqn>,i,0x<isid>}). */
    public static final String INITIATOR_PORT_NAME = INITIATOR_NAME + ",i,0x000000000001";
    /** Default target node name. */
    public static final String TARGET_NAME = "iqn.2026-11.org.jstgt:t1";
    /** Default target port name ({@code <iqn>,t,0x<tpgt>}). */
    public static final String TARGET_PORT_NAME = TARGET_NAME + ",t,0x1";
    /** Default expected data transfer length: large enough for any test's Data-In. */
    public static final int DEFAULT_EXPECTED_TRANSFER_LENGTH = 65536;

    private final Builder spec;
    private final Cdb cdb;
    private final byte[] dataOut;
    private ByteBuffer dataIn;
    /** What the device lent {@link #sendDataIn}, or null. */
    private ByteBuffer sent;

    private FakeScsiTask(Builder b) {
        this.spec = b.copy();
        this.cdb = new Cdb(b.cdb.clone());
        this.dataOut = b.dataOut.clone();
    }

    /**
     * A task on LUN 0 with the default identity and expected transfer length, its CDB zero-padded to
     * 16 bytes as an iSCSI SCSI Command PDU carries it (RFC 7143 §11.3.5).
     *
     * @param cdb CDB bytes as ints; only the low 8 bits of each are used
     * @return the task
     */
    public static FakeScsiTask of(int... cdb) {
        return builder().paddedCdb(cdb).build();
    }

    /** @return a builder with the defaults; its CDB must be set */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder holding this task's settings (not its Data-In) */
    public Builder toBuilder() {
        return spec.copy();
    }

    /**
     * @param index CDB byte
     * @param value new value; only its low 8 bits are used
     * @return a new task with one CDB byte changed, everything else as this task (not its Data-In)
     */
    public FakeScsiTask withCdbByte(int index, int value) {
        byte[] b = cdb.toByteArray();
        b[index] = (byte) value;
        return toBuilder().cdb(b).build();
    }

    /**
     * @param data the Data-Out bytes
     * @return a new task with this Data-Out, everything else as this task (not its Data-In)
     */
    public FakeScsiTask withDataOut(byte[] data) {
        return toBuilder().dataOut(data).build();
    }

    /** @return true once the device has allocated the Data-In buffer */
    public synchronized boolean dataInAllocated() {
        return dataIn != null;
    }

    /** @return the buffer the device lent {@link #sendDataIn} (never copied), or null when none */
    public synchronized ByteBuffer sentDataIn() {
        return sent;
    }

    /** @return the Data-In buffer the device allocated, or null when it allocated none */
    public synchronized ByteBuffer dataInBuffer() {
        return dataIn;
    }

    /**
     * @param n byte count, at most the allocated length
     * @return a copy of the first {@code n} Data-In bytes, from the buffer the device allocated or
     *     the one it sent from
     * @throws IllegalStateException when the device allocated no Data-In buffer and sent none
     */
    public synchronized byte[] dataInBytes(int n) {
        if (sent != null) {
            if (n < 0 || n > sent.remaining()) {
                throw new IllegalArgumentException(n + " bytes asked, " + sent.remaining() + " sent");
            }
            byte[] b = new byte[n];
            sent.duplicate().get(b);
            return b;
        }
        if (dataIn == null) {
            throw new IllegalStateException("no Data-In buffer was allocated");
        }
        if (n < 0 || n > dataIn.capacity()) {
            throw new IllegalArgumentException(n + " bytes asked, " + dataIn.capacity() + " allocated");
        }
        return Arrays.copyOf(dataIn.array(), n);
    }

    @Override
    public int lun() {
        return spec.lun;
    }

    @Override
    public Cdb cdb() {
        return cdb;
    }

    @Override
    public TaskAttribute attribute() {
        return spec.attribute;
    }

    @Override
    public int expectedTransferLength() {
        return spec.expectedTransferLength;
    }

    /** @return the direction set on the builder, else OUT with Data-Out bytes, IN with an EDTL, else NONE */
    @Override
    public DataDirection declaredDirection() {
        if (spec.declaredDirection != null) {
            return spec.declaredDirection;
        }
        if (spec.dataOut.length > 0) {
            return DataDirection.OUT;
        }
        return spec.expectedTransferLength > 0 ? DataDirection.IN : DataDirection.NONE;
    }

    /** @return the executor set on the builder, else one that runs tasks on the calling thread */
    @Override
    public Executor executor() {
        return spec.executor;
    }

    @Override
    public ByteBuffer dataOut() {
        return ByteBuffer.wrap(dataOut).asReadOnlyBuffer();
    }

    /**
     * Takes the buffer when the builder said so ({@link Builder#sendsDataIn}), returning the stage
     * given there; else declines (null), as a fabric that cannot send this way.
     */
    @Override
    public synchronized CompletionStage<Void> sendDataIn(ByteBuffer data) {
        if (spec.dataInSent == null) {
            return null;
        }
        if (dataIn != null || sent != null) {
            throw new IllegalStateException("Data-In given twice");
        }
        sent = data;
        return spec.dataInSent;
    }

    @Override
    public synchronized ByteBuffer dataIn(int length) {
        if (dataIn != null || sent != null) {
            throw new IllegalStateException("dataIn allocated twice, or after sendDataIn");
        }
        if (length < 0) {
            throw new IllegalArgumentException("negative Data-In length " + length);
        }
        dataIn = ByteBuffer.allocate(length);
        return dataIn;
    }

    @Override
    public String initiatorPortName() {
        return spec.initiatorPortName;
    }

    @Override
    public String initiatorName() {
        return spec.initiatorName;
    }

    @Override
    public String targetName() {
        return spec.targetName;
    }

    @Override
    public String targetPortName() {
        return spec.targetPortName;
    }

    @Override
    public int relativeTargetPortId() {
        return spec.relativeTargetPortId;
    }

    @Override
    public int targetPortGroup() {
        return spec.targetPortGroup;
    }

    @Override
    public int targetPortGroupSupport() {
        return spec.targetPortGroupSupport;
    }

    @Override
    public String toString() {
        return "FakeScsiTask[lun " + spec.lun + ", cdb " + cdb + ", edtl " + spec.expectedTransferLength
                + ", data-out " + dataOut.length + " bytes]";
    }

    /** Settings of a {@link FakeScsiTask}; every setter checks its range. */
    public static final class Builder {
        private byte[] cdb;
        private int lun;
        private int expectedTransferLength = DEFAULT_EXPECTED_TRANSFER_LENGTH;
        private byte[] dataOut = new byte[0];
        private TaskAttribute attribute = TaskAttribute.SIMPLE;
        private String initiatorName = INITIATOR_NAME;
        private String initiatorPortName = INITIATOR_PORT_NAME;
        private String targetName = TARGET_NAME;
        private String targetPortName = TARGET_PORT_NAME;
        private int relativeTargetPortId = 1;
        private int targetPortGroup;
        private int targetPortGroupSupport;
        private DataDirection declaredDirection;
        private Executor executor = Runnable::run;
        private CompletionStage<Void> dataInSent;

        private Builder() {
        }

        private Builder copy() {
            Builder b = new Builder();
            b.cdb = cdb == null ? null : cdb.clone();
            b.lun = lun;
            b.expectedTransferLength = expectedTransferLength;
            b.dataOut = dataOut.clone();
            b.attribute = attribute;
            b.initiatorName = initiatorName;
            b.initiatorPortName = initiatorPortName;
            b.targetName = targetName;
            b.targetPortName = targetPortName;
            b.relativeTargetPortId = relativeTargetPortId;
            b.targetPortGroup = targetPortGroup;
            b.targetPortGroupSupport = targetPortGroupSupport;
            b.declaredDirection = declaredDirection;
            b.executor = executor;
            b.dataInSent = dataInSent;
            return b;
        }

        /**
         * @param left what {@link FakeScsiTask#sendDataIn} returns: the task then takes the buffer
         *     a device lends it (see {@link FakeScsiTask#sentDataIn()}); null (the default) declines
         * @return this builder
         */
        public Builder sendsDataIn(CompletionStage<Void> left) {
            this.dataInSent = left;
            return this;
        }

        /**
         * @param bytes the CDB exactly as given (its last byte is CONTROL), e.g. from {@link Cdbs}
         * @return this builder
         */
        public Builder cdb(byte[] bytes) {
            if (bytes.length == 0) {
                throw new IllegalArgumentException("empty CDB");
            }
            this.cdb = bytes.clone();
            return this;
        }

        /**
         * @param bytes the CDB exactly as given, as ints; only the low 8 bits of each are used, so
         *     that a test can write {@code lba >>> 8} (use {@link Cdbs} for range-checked fields)
         * @return this builder
         */
        public Builder cdb(int... bytes) {
            return cdb(toBytes(bytes, bytes.length));
        }

        /**
         * @param bytes the leading CDB bytes as ints (low 8 bits of each), zero-padded to 16 bytes as an iSCSI
         *     SCSI Command PDU carries a short CDB (RFC 7143 §11.3.5)
         * @return this builder
         */
        public Builder paddedCdb(int... bytes) {
            return cdb(toBytes(bytes, Math.max(16, bytes.length)));
        }

        /**
         * @param lun LUN, 0..16383 (SAM-5 single level)
         * @return this builder
         */
        public Builder lun(int lun) {
            if (lun < 0 || lun > 16383) {
                throw new IllegalArgumentException("LUN " + lun + " is not in 0..16383");
            }
            this.lun = lun;
            return this;
        }

        /**
         * @param edtl the initiator's expected data transfer length in bytes, not negative
         * @return this builder
         */
        public Builder expectedTransferLength(int edtl) {
            if (edtl < 0) {
                throw new IllegalArgumentException("negative expected transfer length " + edtl);
            }
            this.expectedTransferLength = edtl;
            return this;
        }

        /**
         * @param data Data-Out bytes (copied)
         * @return this builder
         */
        public Builder dataOut(byte[] data) {
            this.dataOut = data.clone();
            return this;
        }

        /**
         * @param direction the direction the initiator declares (R/W bits); default: derived
         * @return this builder
         */
        public Builder declaredDirection(DataDirection direction) {
            this.declaredDirection = Objects.requireNonNull(direction, "direction");
            return this;
        }

        /**
         * @param executor where stores complete the task's I/O (the fabric's event loop)
         * @return this builder
         */
        public Builder executor(Executor executor) {
            this.executor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /**
         * @param attribute task attribute
         * @return this builder
         */
        public Builder attribute(TaskAttribute attribute) {
            this.attribute = Objects.requireNonNull(attribute, "attribute");
            return this;
        }

        /**
         * @param nodeName initiator node name
         * @param portName initiator port name
         * @return this builder
         */
        public Builder initiator(String nodeName, String portName) {
            this.initiatorName = Objects.requireNonNull(nodeName, "nodeName");
            this.initiatorPortName = Objects.requireNonNull(portName, "portName");
            return this;
        }

        /**
         * @param nodeName target node name
         * @param portName target port name
         * @return this builder
         */
        public Builder target(String nodeName, String portName) {
            this.targetName = Objects.requireNonNull(nodeName, "nodeName");
            this.targetPortName = Objects.requireNonNull(portName, "portName");
            return this;
        }

        /**
         * @param id relative target port identifier, 1..65535 (SPC-4 §7.8.6.4)
         * @return this builder
         */
        public Builder relativeTargetPortId(int id) {
            if (id < 1 || id > 0xFFFF) {
                throw new IllegalArgumentException("relative target port id " + id + " is not in 1..65535");
            }
            this.relativeTargetPortId = id;
            return this;
        }

        /**
         * @param group target port group, 0..65535 (SPC-4 §7.8.6.5)
         * @return this builder
         */
        public Builder targetPortGroup(int group) {
            if (group < 0 || group > 0xFFFF) {
                throw new IllegalArgumentException("target port group " + group + " is not in 0..65535");
            }
            this.targetPortGroup = group;
            return this;
        }

        /**
         * @param tpgs the TPGS field the task's target reports (SPC-4 §6.6.2): 0 none (the
         *     default), 1 implicit, 2 explicit, 3 both
         * @return this builder
         */
        public Builder targetPortGroupSupport(int tpgs) {
            if (tpgs < 0 || tpgs > 3) {
                throw new IllegalArgumentException("TPGS " + tpgs + " is not in 0..3");
            }
            this.targetPortGroupSupport = tpgs;
            return this;
        }

        /** @return the task */
        public FakeScsiTask build() {
            if (cdb == null) {
                throw new IllegalStateException("no CDB set");
            }
            return new FakeScsiTask(this);
        }

        private static byte[] toBytes(int[] bytes, int length) {
            byte[] b = new byte[length];
            for (int i = 0; i < bytes.length; i++) {
                b[i] = (byte) bytes[i];
            }
            return b;
        }
    }
}
