package org.jstgt.shell.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** istgt's sizes (1024-based, with + and -) in jstgt's units. */
class IstgtSizesTest {

    @ParameterizedTest
    @CsvSource({
        "10GB, 10737418240, 10GiB",
        "10G, 10737418240, 10GiB",
        "16gb, 17179869184, 16GiB",
        "20GB-1MB, 21473787904, 20479MiB",
        "1GB+512, 1073742336, 1073742336B",
        "512, 512, 512B",
        "4096, 4096, 4KiB",
        "2PB-1MB, 2251799812636672, 2147483647MiB",
        "1TB, 1099511627776, 1TiB",
    })
    void sizesConvert(String istgt, long bytes, String jstgt) {
        assertEquals(bytes, IstgtSizes.bytes(istgt));
        assertEquals(jstgt, IstgtSizes.format(bytes));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Auto", "auto", "SIZE"})
    void autoTakesTheFilesSize(String v) {
        assertTrue(IstgtSizes.isAuto(v));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "ten GB | 'ten GB' is not an istgt size (e.g. 10GB, 512MB, 20GB-1MB, Auto)",
        "1MB-1GB | '1MB-1GB' is not a positive size",
        "0 | '0' is not a positive size",
        "99999999999EB | '99999999999EB' is too large",
        "10XB | '10XB' is not an istgt size (e.g. 10GB, 512MB, 20GB-1MB, Auto)",
    })
    void badSizesAreRefused(String v, String message) {
        assertFalse(IstgtSizes.isAuto(v));
        assertEquals(message, assertThrows(IllegalArgumentException.class, () -> IstgtSizes.bytes(v)).getMessage());
    }
}
