# The boot sector IpxeBootIT boots through iPXE's sanboot (16-bit real mode, GNU as). It writes
# to COM1 that it runs, reads one sector at LBA 1 of the boot drive through the BIOS (INT 13h,
# AH=42h: iPXE answers it with SCSI READs to the target), writes that sector's bytes up to the first
# NUL to COM1, and ends QEMU through its isa-debug-exit device at port F4h: exit status 33
# ((10h << 1) | 1) when the read succeeded, 3 when it failed. The same code is a no-emulation
# El Torito boot image (a CD's sectors are 2048 bytes; the buffer at 0:8000h has room).
#
# Rebuild boot-sector.bin after a change:
#   as --32 -o boot-sector.o boot-sector.S
#   ld -m elf_i386 -Ttext 0x7c00 --oformat binary -o boot-sector.bin boot-sector.o
.code16
.global _start
_start:
    cli
    xor %ax, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    mov $0x7c00, %sp
    sti
    mov %dl, drive
    mov $running, %si
    call puts
    mov $packet, %si
    mov $0x42, %ah
    mov drive, %dl
    int $0x13
    jc failed
    mov $0x8000, %si
    call puts
    mov $done, %si
    call puts
    mov $0x10, %al
    out %al, $0xf4
    hlt
failed:
    mov $readFailed, %si
    call puts
    mov $0x01, %al
    out %al, $0xf4
    hlt

# writes the NUL-terminated string at DS:SI to COM1, waiting for its transmitter each byte
puts:
    lodsb
    test %al, %al
    jz 1f
    mov %al, %ah
2:  mov $0x3fd, %dx
    in %dx, %al
    test $0x20, %al
    jz 2b
    mov $0x3f8, %dx
    mov %ah, %al
    out %al, %dx
    jmp puts
1:  ret

drive: .byte 0
# disk address packet: size, reserved, sector count, buffer offset and segment, LBA
packet: .byte 0x10, 0
    .word 1
    .word 0x8000, 0
    .quad 1
running: .asciz "JSTGT-BOOT-SECTOR-RUNNING\r\n"
done: .asciz "\r\nJSTGT-BOOT-READ-OK\r\n"
readFailed: .asciz "JSTGT-BOOT-READ-FAILED\r\n"
. = _start + 510
.byte 0x55, 0xaa
