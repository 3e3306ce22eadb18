#!/usr/bin/perl
# tests/vm/zap.t - end-to-end test of the zap trace events in a real guest.
#
# Boots the patched kernel once under QEMU (vm/run.sh tests/vm/zap-guest.sh):
# the guest probes events/zap/, checks set_event_pid, and records every
# workload with `trace-cmd record -e zap -F`.  Here, on the host,
# `trace-cmd report` of each trace.dat is the oracle for the assertions.
#
# ZAPD_VM_RESULTS=DIR   assert on an existing results directory, no boot
# ZAPD_VM_UNPATCHED=1   boot the unpatched kernel (plumbing only: the zap
#                       assertions then fail with "kernel not patched?")
use strict;
use warnings;
no warnings 'portable';	# 64-bit hex addresses
use Cwd qw(abs_path);
use File::Basename qw(dirname);
use Test::More;

my $top = abs_path(dirname(__FILE__) . '/../..');
my $build = $ENV{BUILD} // 'build';
$build = "$top/$build" unless $build =~ m{^/};
my $out = $ENV{ZAPD_VM_RESULTS} // "$build/vm/vm-test";
my @EVENTS = qw(zap_present_ptes_start zap_present_folio_stage zap_present_ptes_done
		zap_pte_lock zap_pte_locked zap_pte_unlock);

# ---------------------------------------------------------------- helpers --
sub slurp { my ($f) = @_; open(my $h, '<', $f) or return undef; local $/; my $s = <$h>; close $h; $s }

sub facts {
	my ($f) = @_;
	my %h;
	for (split /\n/, slurp($f) // '') { $h{$1} = $2 if /^([A-Za-z_0-9.]+)=(.*)$/ }
	\%h;
}

sub num { my ($v) = @_; return undef unless defined $v; $v =~ /^0x/i ? hex($v) : $v + 0 }

# Parse `trace-cmd report` text: one hash per event line; fields as key=value.
sub parse_lines {
	my ($text) = @_;
	my (@ev, $lost);
	$lost = 0;
	for my $l (split /\n/, $text) {
		if ($l =~ /LOST (\d+) EVENTS/) { $lost += $1; next }
		next unless $l =~ /^\s*(.*?)-(\d+)\s+\[(\d+)\]\s+(?:\S+\s+)?(\d+\.\d+):\s+(\w+):\s*(.*)$/;
		my %e = (comm => $1, pid => $2, cpu => $3 + 0, ts => $4, event => $5);
		my $rest = $6;
		while ($rest =~ /(\w+)=(\S+)/g) { $e{$1} = $2 }
		push @ev, \%e;
	}
	return (\@ev, $lost);
}

sub report {
	my ($dat) = @_;
	my $text = `trace-cmd report -i '$dat' 2>&1`;
	return (undef, 0, $text) if $?;
	my ($ev, $lost) = parse_lines($text);
	return ($ev, $lost, $text);
}

sub in_range { my ($e, $lo, $len) = @_; my $a = num($e->{addr}); $a >= $lo && $a < $lo + $len }

sub sum_nr { my $s = 0; $s += $_->{nr} for @_; $s }

# ------------------------------------------------------------------- boot --
if (!$ENV{ZAPD_VM_RESULTS}) {
	my @cmd = ("$top/vm/run.sh", '--out', $out, '--timeout', 600);
	push @cmd, '--unpatched' if $ENV{ZAPD_VM_UNPATCHED};
	push @cmd, "$top/tests/vm/zap-guest.sh";
	diag("booting the guest: @cmd");
	system(@cmd);
}
my $verdict = slurp("$out/verdict");
ok(defined $verdict && $verdict =~ /^0\s*$/, 'guest ran the scenario (vm/run.sh verdict 0)')
	or do {
		diag("no verdict: see $out/console.log and $out/scenario.log");
		done_testing();
		exit;
	};
my $gf = facts("$out/guest.facts");
my $ck = facts("$out/checks.facts");
is($gf->{cpus}, 2, 'guest sees 2 CPUs');
diag("guest kernel $gf->{kernel}, trace-cmd $gf->{trace_cmd}") if $gf->{kernel};

# ------------------------------------------------------- events in tracefs --
my $patched = ($ck->{zap_events} // '') eq 'present';
ok($patched, 'events/zap/ exists in tracefs')
	or diag('no zap events: kernel not patched? (kernel-patches/6.12/*.patch not applied, or the guest booted the unpatched kernel)');

SKIP: {
	skip 'no zap events: kernel not patched?', 1 unless $patched;
	my @bad = grep { ($ck->{"enable.$_"} // '') ne '1' } @EVENTS;
	ok(!@bad, 'all six zap events exist and enable') or diag("not enabled: @bad");
	my $fmt = slurp("$out/formats/zap_present_ptes_done.format") // '';
	ok($fmt =~ /"batch"/ && $fmt =~ /"small"/ && $fmt =~ /"nopage"/ && $fmt =~ /"skip"/,
	   'zap_present_ptes_done print fmt names the paths (nopage/skip/small/batch)');
	my $sfmt = slurp("$out/formats/zap_present_folio_stage.format") // '';
	ok($sfmt =~ /"cleared"/ && $sfmt =~ /"rmap"/ && $sfmt =~ /"tlb"/,
	   'zap_present_folio_stage print fmt names the stages (cleared/rmap/tlb)');
}

# ------------------------------------------------------------ pid filter --
SKIP: {
	skip 'no zap events: kernel not patched?', 3 unless $patched;
	my $pf = facts("$out/pidfilter.out");
	my ($ev) = parse_lines(slurp("$out/pidfilter.trace") // '');
	my @done = grep { $_->{event} eq 'zap_present_ptes_done' } @$ev;
	my @other = grep { $_->{pid} != ($pf->{pid} // -1) } @done;
	ok(@done && !@other, "set_event_pid: only pid $pf->{pid}'s zaps recorded while another task zapped")
		or diag(scalar(@done) . " events, " . scalar(@other) . " from other pids");
	my @mine = grep { in_range($_, num($pf->{addr}), $pf->{len}) } @done;
	is(sum_nr(@mine), $pf->{pages}, 'set_event_pid: sum(nr) in the unmapped range = pages');
	my ($nev) = parse_lines(slurp("$out/nofilter.trace") // '');
	my @noise = grep { $_->{event} eq 'zap_present_ptes_done' && $_->{pid} == ($ck->{noise_pid} // -1) } @$nev;
	ok(scalar @noise, 'control: without the pid filter the other task\'s zaps appear (' . scalar(@noise) . ')');
}

# ------------------------------------------------------------- workloads --
my %expect_cpus;

for my $w (qw(munmap-4k shared-file mthp-64k exit-big madv-dontneed two-threads ptl-contention)) {
	my $wf = facts("$out/$w.out");
	my $rc = slurp("$out/$w.rc") // 'missing';
	chomp $rc;
	my $pages = $wf->{pages};
	ok($rc eq '0' && defined $pages, "$w: trace-cmd record -e zap -F -c $w ran (pages=" . ($pages // '?') . ')')
		or do { diag(slurp("$out/$w.err") // "no $w.err"); next };
	SKIP: {
		skip "$w: no zap events: kernel not patched?", 1 unless $patched;
		my ($ev, $lost, $text) = report("$out/$w.dat");
		ok($ev && !$lost, "$w: trace-cmd report reads $w.dat, no lost events")
			or do { diag(substr($text, 0, 500)); next };
		my @zap = grep { $_->{event} =~ /^zap_/ } @$ev;
		my %pids = map { $_->{pid} => 1 } @zap;
		my @tids = grep { defined } ($wf->{pid}, $wf->{tid0}, $wf->{tid1});
		my %want = map { $_ => 1 } @tids;
		my @strangers = grep { !$want{$_} } keys %pids;
		ok(@zap && !@strangers, "$w: " . scalar(@zap) . " zap events, all from the workload's pid/tids")
			or diag('other pids: ' . join(' ', @strangers));

		my @done = grep { $_->{event} eq 'zap_present_ptes_done' } @zap;
		my @start = grep { $_->{event} eq 'zap_present_ptes_start' } @zap;
		# every start has a done: per task, strictly alternating, same CPU
		my $pair_err = '';
		my %open;
		for my $e (@zap) {
			my $t = $e->{pid};
			if ($e->{event} eq 'zap_present_ptes_start') {
				$pair_err ||= "start while an interval is open at $e->{ts}" if $open{$t};
				$open{$t} = $e;
			} elsif ($e->{event} eq 'zap_present_folio_stage') {
				$pair_err ||= "stage outside an interval at $e->{ts}" unless $open{$t};
				$pair_err ||= "stage on another CPU at $e->{ts}" if $open{$t} && $open{$t}{cpu} != $e->{cpu};
			} elsif ($e->{event} eq 'zap_present_ptes_done') {
				$pair_err ||= "done without start at $e->{ts}" unless $open{$t};
				$pair_err ||= "done on another CPU than its start at $e->{ts}" if $open{$t} && $open{$t}{cpu} != $e->{cpu};
				$pair_err ||= "done addr != start addr at $e->{ts}" if $open{$t} && $open{$t}{addr} ne $e->{addr};
				delete $open{$t};
			}
		}
		$pair_err ||= 'an interval is never closed' if %open;
		ok(@start == @done && !$pair_err,
		   "$w: every zap_present_ptes_start has its done (" . scalar(@start) . '/' . scalar(@done) . ')')
			or diag($pair_err);

		# lock events: lock -> locked -> (unlock if mapped), per task
		my %n;
		$n{$_->{event}}++ for @zap;
		my $mapped = grep { $_->{event} eq 'zap_pte_locked' && $_->{mapped} } @zap;
		ok(($n{zap_pte_lock} // 0) == ($n{zap_pte_locked} // 0) && ($n{zap_pte_unlock} // 0) == $mapped && $mapped > 0,
		   "$w: zap_pte_lock/locked/unlock balance ($n{zap_pte_lock}/$n{zap_pte_locked}/$n{zap_pte_unlock})");

		# stages: three per small/batch done
		my $withpage = grep { $_->{path} eq 'small' || $_->{path} eq 'batch' } @done;
		is($n{zap_present_folio_stage} // 0, 3 * $withpage, "$w: three folio stages per small/batch interval");

		if ($w eq 'two-threads') {
			my %cpus;
			for my $i (0, 1) {
				my $tid = $wf->{"tid$i"};
				my @d = grep { $_->{pid} == $tid && in_range($_, num($wf->{"addr$i"}), $wf->{len}) } @done;
				is(sum_nr(@d), $wf->{"pages$i"}, "$w: thread $i (tid $tid): sum(nr) of done in its region = pages$i");
				$cpus{$_->{cpu}}++ for @d;
			}
			is(scalar(keys %cpus), 2, "$w: the two threads' zaps ran on two CPUs (" . join(',', sort keys %cpus) . ')');
			next;
		}

		my @mine = grep { in_range($_, num($wf->{addr}), $wf->{len}) } @done;
		is(sum_nr(@mine), $pages, "$w: sum(nr) of zap_present_ptes_done in [addr, addr+len) = pages");

		if ($w eq 'munmap-4k' || $w eq 'madv-dontneed') {
			my @notsmall = grep { $_->{path} ne 'small' } @mine;
			ok(!@notsmall, "$w: every 4K page zapped on the small path");
		} elsif ($w eq 'exit-big') {
			# exit_mmap() also zaps the process's stack, .data/.bss and heap:
			# the per-pid total is larger, the region itself exact (above).
			my @all = grep { $_->{pid} == $wf->{pid} } @done;
			cmp_ok(sum_nr(@all), '>=', $pages, "$w: per-pid total sum(nr) >= pages (exit_mmap zaps the rest of the address space too)");
		} elsif ($w eq 'shared-file') {
			my @dr = grep { $_->{event} eq 'zap_present_folio_stage' && $_->{delay_rmap} && in_range($_, num($wf->{addr}), $wf->{len}) } @zap;
			ok(scalar @dr, "$w: dirty shared file pages take the delay_rmap path (" . scalar(@dr) . ' stage events)');
			my @anon = grep { $_->{anon} && in_range($_, num($wf->{addr}), $wf->{len}) } @start;
			ok(!@anon, "$w: starts in the file mapping have anon=0");
		} elsif ($w eq 'mthp-64k') {
			my @batch = grep { $_->{path} eq 'batch' && $_->{nr} > 1 } @mine;
			ok(scalar @batch, "$w: done events with path=batch and nr>1 (" . scalar(@batch) . ", folios_64k=$wf->{folios_64k})");
			cmp_ok($wf->{folios_64k} // 0, '>', 0, "$w: the kernel allocated 64K folios");
			my @o4 = grep { ($_->{order} // 0) == 4 && in_range($_, num($wf->{addr}), $wf->{len}) } @start;
			ok(scalar @o4, "$w: zap_present_ptes_start reports order=4 folios");
		} elsif ($w eq 'ptl-contention') {
			my %cpus = map { $_->{cpu} => 1 } @mine;
			is(scalar(keys %cpus), 2, "$w: zaps of the shared page table on two CPUs");
			# PTE lock waits (zap_pte_lock -> zap_pte_locked) in the shared
			# table: reported, not asserted (TCG timing decides how often the
			# other thread - faulting or zapping - holds the lock).
			my (%at, @waits);
			for my $e (grep { $_->{event} =~ /^zap_pte_lock(ed)?$/ && in_range($_, num($wf->{addr}), $wf->{len}) } @zap) {
				if ($e->{event} eq 'zap_pte_lock') { $at{$e->{pid}} = $e->{ts} }
				elsif (defined $at{$e->{pid}}) { push @waits, $e->{ts} - delete $at{$e->{pid}} }
			}
			my ($sum, $max) = (0, 0);
			for (@waits) { $sum += $_; $max = $_ if $_ > $max }
			diag(sprintf("$w: %d PTE lock acquisitions in the shared table, mean wait %.1f us, max %.1f us",
				     scalar(@waits), @waits ? 1e6 * $sum / @waits : 0, 1e6 * $max));
		}
	}
}

done_testing();
