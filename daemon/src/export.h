/* SPDX-License-Identifier: GPL-2.0 */
/*
 * export.h - zapd export: a run in a format other tools open.
 */
#ifndef ZAPD_EXPORT_H
#define ZAPD_EXPORT_H

int cmd_export(int argc, char **argv);

#endif /* ZAPD_EXPORT_H */
