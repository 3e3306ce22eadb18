/* SPDX-License-Identifier: GPL-2.0 */
/*
 * report.h - zapd report: a self-contained HTML page of one run.
 */
#ifndef ZAPD_REPORT_H
#define ZAPD_REPORT_H

int cmd_report(int argc, char **argv);

#endif /* ZAPD_REPORT_H */
