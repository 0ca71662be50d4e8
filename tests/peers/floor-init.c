/* The floor of the boot benchmark: the fewest system calls that take a live medium to a running root init.
 * An ext4 labelled MEDIUM_LABEL holds the squashfs MEDIUM_IMAGE; the root is that squashfs under an overlayfs
 * whose upper layer is a tmpfs. No parsing, no checks beyond what is needed not to crash: what a boot cannot go
 * below on this kernel and this medium. Kernel modules are loaded from /mods in name order (the builder numbers
 * them in modules.dep order).
 * Build: gcc -O2 -static -DMEDIUM_LABEL='"LIVE"' -DMEDIUM_IMAGE='"live/filesystem.squashfs"' floor-init.c */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <linux/loop.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef MEDIUM_LABEL
#define MEDIUM_LABEL "LIVE"
#endif
#ifndef MEDIUM_IMAGE
#define MEDIUM_IMAGE "live/filesystem.squashfs"
#endif

/* ext4 superblock (linux/fs/ext4/ext4.h): at byte 1024; s_magic at +0x38, s_volume_name[16] at +0x78 */
#define EXT4_SUPERBLOCK 1024
#define EXT4_MAGIC_AT (EXT4_SUPERBLOCK + 0x38)
#define EXT4_LABEL_AT (EXT4_SUPERBLOCK + 0x78)

static void load_modules(void)
{
    struct dirent **names;
    int n = scandir("/mods", &names, NULL, alphasort);
    for (int i = 0; i < n; i++) {
        char path[512];
        if (names[i]->d_name[0] == '.') continue;
        snprintf(path, sizeof path, "/mods/%s", names[i]->d_name);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) continue;
        syscall(SYS_finit_module, fd, "", 0);
        close(fd);
    }
}

/* the block device holding an ext4 labelled `label`, written to `dev`; 0 when none (yet) */
static int find_medium(const char *label, char *dev, size_t size)
{
    DIR *d = opendir("/sys/class/block");
    struct dirent *e;
    int found = 0;
    while (d && !found && (e = readdir(d))) {
        unsigned char magic[2];
        char name[17] = {0};
        if (e->d_name[0] == '.') continue;
        snprintf(dev, size, "/dev/%s", e->d_name);
        int fd = open(dev, O_RDONLY | O_CLOEXEC);
        if (fd < 0) continue;
        found = pread(fd, magic, 2, EXT4_MAGIC_AT) == 2 && magic[0] == 0x53 && magic[1] == 0xEF
                && pread(fd, name, 16, EXT4_LABEL_AT) == 16 && strcmp(name, label) == 0;
        close(fd);
    }
    if (d) closedir(d);
    return found;
}

/* a read-only loop device over `file`: its path in `loopdev` */
static int attach_loop(const char *file, char *loopdev, size_t size)
{
    int control = open("/dev/loop-control", O_RDWR | O_CLOEXEC);
    int nr = ioctl(control, LOOP_CTL_GET_FREE);
    snprintf(loopdev, size, "/dev/loop%d", nr);
    int loop = open(loopdev, O_RDWR | O_CLOEXEC), backing = open(file, O_RDONLY | O_CLOEXEC);
    struct loop_config config;
    memset(&config, 0, sizeof config);
    config.fd = backing;
    config.info.lo_flags = LO_FLAGS_READ_ONLY;
    return ioctl(loop, LOOP_CONFIGURE, &config);
}

int main(void)
{
    char dev[300], loopdev[64];
    mount("proc", "/proc", "proc", 0, NULL);
    mount("sys", "/sys", "sysfs", 0, NULL);
    mount("dev", "/dev", "devtmpfs", 0, NULL);
    int console = open("/dev/console", O_RDWR);
    if (console >= 0) { dup2(console, 1); dup2(console, 2); }

    load_modules();
    for (int tries = 0; tries < 3000 && !find_medium(MEDIUM_LABEL, dev, sizeof dev); tries++) usleep(10000);
    mkdir("/medium", 0755);
    mount(dev, "/medium", "ext4", MS_RDONLY, NULL);
    if (attach_loop("/medium/" MEDIUM_IMAGE, loopdev, sizeof loopdev) != 0) printf("floor-init: no loop device\n");
    mkdir("/image", 0755);
    mount(loopdev, "/image", "squashfs", MS_RDONLY, NULL);
    mkdir("/cow", 0755);
    mount("cow", "/cow", "tmpfs", 0, "size=64m");
    mkdir("/cow/upper", 0755);
    mkdir("/cow/work", 0755);
    mkdir("/root", 0755);
    mount("overlay", "/root", "overlay", 0, "lowerdir=/image,upperdir=/cow/upper,workdir=/cow/work");

    /* the kernel filesystems move along; the root takes the place of / (the initramfs stays in memory) */
    mount("/dev", "/root/dev", NULL, MS_MOVE, NULL);
    mount("/proc", "/root/proc", NULL, MS_MOVE, NULL);
    mount("/sys", "/root/sys", NULL, MS_MOVE, NULL);
    chdir("/root");
    mount(".", "/", NULL, MS_MOVE, NULL);
    chroot(".");
    chdir("/");
    execl("/sbin/init", "/sbin/init", (char *)NULL);
    printf("floor-init: exec /sbin/init failed\n");
    for (;;) pause();
}
