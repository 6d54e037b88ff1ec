/* Interrupts (Ctrl-C, SIGTERM, SIGHUP) turned into a flag, so that a command
 * that is changing the disk can finish or undo its step and exit with 130
 * instead of dying half-way. Children in the same process group still get
 * the signal (a running interpreter stops), and system calls return EINTR. */
#ifndef CVENV_OS_INTERRUPT_H
#define CVENV_OS_INTERRUPT_H

/* From now on SIGINT, SIGTERM and SIGHUP only set the flag. */
void os_defer_interrupts(void);
/* The signal that arrived since os_defer_interrupts(), or 0. */
int os_interrupted(void);

#endif
