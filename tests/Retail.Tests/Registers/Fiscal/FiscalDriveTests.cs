using Retail.Common;
using Retail.Registers.Fiscal;
using static Retail.Tests.Registers.Fiscal.FiscalDriveFixture;

namespace Retail.Tests.Registers.Fiscal;

public sealed class FiscalDriveTests
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    [Fact]
    public void Registration_is_fiscal_document_1_in_ffd_1_2()
    {
        var identity = FiscalDriveIdentity.Emulated("msk-1-till-1", Seed);
        var (state, report, error) = FiscalDrive.Register(Registration(), identity, T0);

        Assert.Null(error);
        Assert.Equal(FiscalDocumentForm.RegistrationReport, report!.Header.Form);
        Assert.Equal(1, report.Header.FiscalDocumentNumber);
        Assert.Equal(0, report.Header.ShiftNumber);
        Assert.Equal(4, report.FfdVersion);
        Assert.Equal(identity.FnSerial, report.Header.FnSerial);
        Assert.Equal(identity.RegistrationNumber, report.Header.RegistrationNumber);
        Assert.Equal("7707083893", report.UserInn);
        Assert.Equal(new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.FromHours(3)), report.Header.DateTime);
        Assert.Equal(TimeSpan.FromHours(3), report.Header.DateTime.Offset);
        Assert.Equal(1, state!.LastFiscalDocumentNumber);
        Assert.Equal(0, state.ShiftNumber);
        Assert.False(state.ShiftIsOpen);
        Assert.Equal(new[] { new OfdOutboxEntry(1, report.Header.DateTime) }, state.OfdOutbox.ToArray());
        Assert.True(FiscalDrive.Verify(state, report));
    }

    public static TheoryData<FiscalRegistration, string> BadRegistrations => new()
    {
        { Registration() with { UserInn = "7707083894" }, "inn" },
        { Registration() with { UserInn = "12345" }, "inn" },
        { Registration() with { TaxationSystems = 0 }, "taxationSystem" },
        { Registration() with { TaxationSystems = (TaxationSystem)8 }, "taxationSystem" },
        { Registration() with { TimeZoneId = "Mars/Olympus_Mons" }, "timeZone" },
        { Registration() with { TimeZoneId = "" }, "timeZone" },
        { Registration() with { RegisterId = "till 1" }, "registerId" },
    };

    [Theory]
    [MemberData(nameof(BadRegistrations))]
    public void A_registration_with_a_bad_field_is_refused(FiscalRegistration registration, string field)
    {
        var (state, report, error) = FiscalDrive.Register(registration, FiscalDriveIdentity.Emulated("msk-1-till-1", Seed), T0);

        Assert.Null(state);
        Assert.Null(report);
        Assert.Equal(ErrorCodes.ValidationFailed, error!.Code);
        Assert.Equal(field, error.Field);
    }

    [Fact]
    public void A_drive_without_a_proper_identity_is_refused()
    {
        var (_, _, error) = FiscalDrive.Register(Registration(), new FiscalDriveIdentity("123", "456", "AAAA"), T0);

        Assert.Equal("identity", error!.Field);
    }

    [Fact]
    public void Fd_numbers_run_without_gaps_over_every_document_and_receipt_numbers_restart_each_shift()
    {
        var state = Registered();
        var documents = new List<IFiscalDocument>();
        var receiptNumbersPerShift = new List<int[]>();
        var at = T0;
        for (var shift = 1; shift <= 4; shift++)
        {
            (state, var opened) = Open(state, at += Minute);
            documents.Add(opened);
            Assert.Equal(shift, opened.Header.ShiftNumber);
            var numbers = new List<int>();
            for (var k = 0; k < shift + 2; k++)
            {
                (state, var receipt) = Fiscalized(state, k % 3 == 2 ? Refund() : Sale(10m + k), at += Minute);
                documents.Add(receipt);
                numbers.Add(receipt.ReceiptNumber);
                if (k == 1)
                {
                    // Reports and correction receipts draw from the same FD sequence; corrections also share 1042.
                    (state, var report, _) = FiscalDrive.ReportState(state, at += Minute);
                    documents.Add(report!);
                    (state, var correction, var error) = FiscalDrive.FiscalizeCorrection(state, Correction(), at += Minute);
                    Assert.Null(error);
                    documents.Add(correction!);
                    numbers.Add(correction!.ReceiptNumber);
                }
            }
            receiptNumbersPerShift.Add([.. numbers]);
            (state, var closed) = Close(state, at += Minute);
            documents.Add(closed);
            Assert.Equal(shift, closed.Header.ShiftNumber);
        }

        Assert.Equal(Enumerable.Range(2, documents.Count).Select(n => (long)n), documents.Select(d => d.Header.FiscalDocumentNumber));
        Assert.Equal(documents.Count + 1, state.LastFiscalDocumentNumber);
        Assert.Equal(4, state.ShiftNumber);
        Assert.Equal(new[] { 1, 2, 3, 4 }, receiptNumbersPerShift[0]);
        Assert.Equal(new[] { 1, 2, 3, 4, 5 }, receiptNumbersPerShift[1]);
        Assert.Equal(new[] { 1, 2, 3, 4, 5, 6 }, receiptNumbersPerShift[3].Take(6));
        Assert.All(receiptNumbersPerShift, numbers => Assert.Equal(Enumerable.Range(1, numbers.Length), numbers));
        Assert.All(documents, d => Assert.True(FiscalDrive.Verify(state, d)));
    }

    private static CorrectionRequest Correction(DateOnly? settlementDate = null, VatRate vat = VatRate.Vat22, decimal cash = 25m) =>
        new(FiscalOperation.Sell, new CorrectionBasis(CorrectionType.SelfInitiated, settlementDate ?? new DateOnly(2026, 3, 1)),
            [new ReceiptItem("milk", null, 1m, 25m, vat)], [new ReceiptPayment(PaymentType.Cash, cash)]);

    [Fact]
    public void No_receipt_correction_or_close_without_an_open_shift()
    {
        var state = Registered();

        Assert.Equal(ErrorCodes.ShiftNotOpen, Refused(state, Sale(), T0 + Minute).Code);
        var (afterCorrection, correction, correctionError) = FiscalDrive.FiscalizeCorrection(state, Correction(), T0 + Minute);
        Assert.Equal(ErrorCodes.ShiftNotOpen, correctionError!.Code);
        Assert.Null(correction);
        Assert.Same(state, afterCorrection);
        var (afterClose, report, closeError) = FiscalDrive.CloseShift(state, null, T0 + Minute);
        Assert.Equal(ErrorCodes.ShiftNotOpen, closeError!.Code);
        Assert.Null(report);
        Assert.Same(state, afterClose);

        var (open, _) = Open(state, T0 + Minute);
        var (closed, _) = Close(open, T0 + 2 * Minute);
        Assert.Equal(ErrorCodes.ShiftNotOpen, Refused(closed, Sale(), T0 + 3 * Minute).Code);
    }

    [Fact]
    public void A_second_open_is_refused_while_a_shift_is_open_even_an_expired_one()
    {
        var (state, _) = Open(Registered(), T0);

        var (same, report, error) = FiscalDrive.OpenShift(state, Ivanova, T0 + Minute);
        Assert.Equal(ErrorCodes.ShiftAlreadyOpen, error!.Code);
        Assert.Null(report);
        Assert.Same(state, same);

        Assert.Equal(ErrorCodes.ShiftAlreadyOpen, FiscalDrive.OpenShift(state, Ivanova, T0 + TimeSpan.FromHours(30)).Error!.Code);
    }

    [Fact]
    public void A_shift_takes_receipts_for_24_hours_and_then_only_a_close()
    {
        var (state, _) = Open(Registered(), T0);

        (state, _) = Fiscalized(state, Sale(), T0 + TimeSpan.FromHours(23) + 59 * Minute);
        (state, _) = Fiscalized(state, Sale(), T0 + TimeSpan.FromHours(24));
        var error = Refused(state, Sale(), T0 + TimeSpan.FromHours(24) + Minute);
        Assert.Equal(ErrorCodes.ShiftExpired, error.Code);
        Assert.True(FiscalDrive.IsShiftExpired(state, T0 + TimeSpan.FromHours(24) + Minute));
        var (_, correction, correctionError) = FiscalDrive.FiscalizeCorrection(state, Correction(), T0 + TimeSpan.FromHours(25));
        Assert.Null(correction);
        Assert.Equal(ErrorCodes.ShiftExpired, correctionError!.Code);

        (state, var z) = Close(state, T0 + TimeSpan.FromHours(26));
        Assert.Equal(2, z.ReceiptCount);
        (state, _) = Open(state, T0 + TimeSpan.FromHours(26) + Minute);
        (_, var receipt) = Fiscalized(state, Sale(), T0 + TimeSpan.FromHours(26) + 2 * Minute);
        Assert.Equal(2, receipt.Header.ShiftNumber);
        Assert.Equal(1, receipt.ReceiptNumber);
    }

    [Fact]
    public void An_undelivered_document_older_than_30_days_blocks_receipts_until_confirmed()
    {
        // The registration report of T0 is never confirmed.
        var state = Registered();
        var days30 = TimeSpan.FromDays(30);

        (var early, _) = Open(state, T0 + days30 - 2 * Minute);
        (early, var last) = Fiscalized(early, Sale(), T0 + days30 - Minute);
        Assert.Equal(3, last.Header.FiscalDocumentNumber);

        (state, _) = Open(state, T0 + days30 + Minute);   // opening a shift is still allowed
        var error = Refused(state, Sale(), T0 + days30 + Minute);
        Assert.Equal(ErrorCodes.OfdBlocked, error.Code);
        var backlog = FiscalDrive.Backlog(state, T0 + days30 + Minute);
        Assert.True(backlog.Blocked);
        Assert.Equal(2, backlog.UnconfirmedCount);
        Assert.Equal(1, backlog.FirstUnconfirmedNumber);
        Assert.Equal(T0, backlog.FirstUnconfirmedAt);
        Assert.Equal(ErrorCodes.OfdBlocked, FiscalDrive.FiscalizeCorrection(state, Correction(), T0 + days30 + Minute).Error!.Code);

        var (confirmedState, confirmation, confirmError) = FiscalDrive.Confirm(state, state.LastFiscalDocumentNumber, T0 + days30 + 2 * Minute);
        Assert.Null(confirmError);
        Assert.Equal(2, confirmation!.Confirmed);
        Assert.Equal(new OfdBacklog(0, null, null, false), confirmation.Backlog);

        var (_, receipt) = Fiscalized(confirmedState, Sale(), T0 + days30 + 3 * Minute);
        Assert.Equal(3, receipt.Header.FiscalDocumentNumber);
    }

    [Fact]
    public void Confirming_only_the_oldest_document_lifts_the_block()
    {
        var (state, _) = Open(Registered(), T0 + TimeSpan.FromDays(30));
        var blockedAt = T0 + TimeSpan.FromDays(30) + Minute;
        Assert.Equal(ErrorCodes.OfdBlocked, Refused(state, Sale(), blockedAt).Code);

        (state, var confirmation, _) = FiscalDrive.Confirm(state, [1L], blockedAt);

        Assert.False(confirmation!.Backlog.Blocked);
        Assert.Equal(2, confirmation.Backlog.FirstUnconfirmedNumber);
        Fiscalized(state, Sale(), blockedAt);
    }

    [Fact]
    public void Confirmations_may_come_out_of_order_and_repeat()
    {
        var (state, _) = Open(Registered(), T0 + Minute);
        for (var i = 0; i < 4; i++)
            (state, _) = Fiscalized(state, Sale(), T0 + (2 + i) * Minute);
        Assert.Equal(6, FiscalDrive.Backlog(state, T0).UnconfirmedCount);

        (state, var first, _) = FiscalDrive.Confirm(state, [2L, 4L], T0 + Minute);
        Assert.Equal(2, first!.Confirmed);
        Assert.Equal(4, first.Backlog.UnconfirmedCount);
        Assert.Equal(1, first.Backlog.FirstUnconfirmedNumber);

        (state, var second, _) = FiscalDrive.Confirm(state, [1L, 3L, 2L], T0 + Minute);
        Assert.Equal(2, second!.Confirmed);
        Assert.Equal(5, second.Backlog.FirstUnconfirmedNumber);
        Assert.Equal(T0 + 4 * Minute, second.Backlog.FirstUnconfirmedAt);

        (state, var repeat, _) = FiscalDrive.Confirm(state, 4, T0 + Minute);
        Assert.Equal(0, repeat!.Confirmed);
        Assert.Equal(new long[] { 5, 6 }, state.OfdOutbox.Select(e => e.FiscalDocumentNumber));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(4)]
    public void Confirming_a_document_never_issued_is_refused(long number)
    {
        var (state, _) = Open(Registered(), T0);
        (state, _) = Fiscalized(state, Sale(), T0 + Minute);

        var (upTo, _, upToError) = FiscalDrive.Confirm(state, number, T0);
        var (list, _, listError) = FiscalDrive.Confirm(state, [1L, number], T0);

        Assert.Equal(ErrorCodes.ValidationFailed, upToError!.Code);
        Assert.Equal(ErrorCodes.ValidationFailed, listError!.Code);
        Assert.Same(state, upTo);
        Assert.Same(state, list);
    }

    [Fact]
    public void The_z_report_counts_the_shift()
    {
        var registeredAt = T0;
        var (state, open) = Open(Registered(registeredAt), T0 + Minute);
        (state, _, _) = FiscalDrive.Confirm(state, 1, T0 + Minute);   // the registration report reached the OFD
        (state, _) = Fiscalized(state, Sale(100m), T0 + 2 * Minute);
        (state, _) = Fiscalized(state, Sale(50.50m, cash: 60m), T0 + 3 * Minute);
        (state, _, _) = FiscalDrive.ReportState(state, T0 + 4 * Minute);
        (state, _) = Fiscalized(state, Refund(30m), T0 + 5 * Minute);
        (state, _, _) = FiscalDrive.FiscalizeCorrection(state, Correction(), T0 + 6 * Minute);

        var (closed, z) = Close(state, T0 + 7 * Minute);

        Assert.Equal(FiscalDocumentForm.ShiftCloseReport, z.Header.Form);
        Assert.Equal(1, z.Header.ShiftNumber);
        Assert.Equal(8, z.Header.FiscalDocumentNumber);
        Assert.Equal(4, z.ReceiptCount);                  // 1118: three receipts and a correction
        Assert.Equal(7, z.DocumentCount);                 // 1111: open, 3 receipts, state report, correction, this report
        Assert.Equal(new ShiftTotals(175.50m, 30m, 3, 1, 1), z.Totals);
        Assert.Equal(6, z.Ofd.UnconfirmedCount);          // 1097: FD 2..7, not counting the report itself
        Assert.Equal(2, z.Ofd.FirstUnconfirmedNumber);    // 1116
        Assert.Equal(open.Header.DateTime, z.Ofd.FirstUnconfirmedAt);  // 1098
        Assert.False(z.Ofd.Blocked);
        Assert.Equal(open.Header.DateTime, z.OpenedAt);
        Assert.Equal(Ivanova, z.Cashier);
        Assert.False(closed.ShiftIsOpen);
        Assert.Equal(7, FiscalDrive.Backlog(closed, T0).UnconfirmedCount);
        Assert.True(FiscalDrive.Verify(closed, z));
    }

    [Fact]
    public void A_receipt_carries_its_numbers_sums_sign_and_qr_in_store_time()
    {
        var (state, _) = Open(Registered(), T0);
        var request = new ReceiptRequest(FiscalOperation.Sell,
            [new ReceiptItem("apples", "Apples", 0.357m, 199.90m, VatRate.Vat10, Unit: MeasureUnit.Kilogram),
             new ReceiptItem("milk", "Milk", 2m, 89.90m, VatRate.Vat22)],
            [new ReceiptPayment(PaymentType.Electronic, 200m), new ReceiptPayment(PaymentType.Cash, 100m)],
            CustomerContact: "buyer@example.com");

        var (next, receipt) = Fiscalized(state, request, T0 + TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(42.7));

        var h = receipt.Header;
        Assert.Equal(FiscalDocumentForm.Receipt, h.Form);
        Assert.Equal(3, h.FiscalDocumentNumber);
        Assert.Equal(1, h.ShiftNumber);
        Assert.Equal(1, receipt.ReceiptNumber);
        Assert.Equal(new DateTimeOffset(2026, 3, 2, 10, 5, 42, TimeSpan.FromHours(3)), h.DateTime);  // whole seconds
        Assert.Equal(TaxationSystem.Osn, receipt.TaxationSystem);
        Assert.Equal(251.16m, receipt.Total);            // 71.36 + 179.80
        Assert.Equal(new[] { new VatAmount(VatRate.Vat10, 6.49m), new VatAmount(VatRate.Vat22, 32.42m) }, receipt.Vat);
        Assert.Equal(new PaymentTotals(100m, 200m), receipt.Payments);
        Assert.Equal(48.84m, receipt.Change);
        Assert.Equal("buyer@example.com", receipt.CustomerContact);
        Assert.Null(receipt.Correction);
        Assert.Equal($"t=20260302T1005&s=251.16&fn={h.FnSerial}&i=3&fp={h.FiscalSign}&n=1", receipt.Qr);
        var (qr, _) = FiscalQr.Parse(receipt.Qr);
        Assert.Equal(new FiscalQr(new DateTime(2026, 3, 2, 10, 5, 0), 251.16m, h.FnSerial, 3, h.FiscalSign, FiscalOperation.Sell), qr);
        Assert.True(FiscalDrive.Verify(next, receipt));
        Assert.Equal(1, next.Shift!.ReceiptCount);
        Assert.Equal(251.16m, next.Shift.Totals.Sell);
    }

    [Fact]
    public void A_refund_is_settlement_sign_2_in_the_qr()
    {
        var (state, _) = Open(Registered(), T0);

        var (_, receipt) = Fiscalized(state, Refund(30m), T0 + Minute);

        Assert.Equal(FiscalOperation.SellRefund, receipt.Operation);
        Assert.EndsWith("&n=2", receipt.Qr);
    }

    [Fact]
    public void Signs_are_deterministic_per_drive_and_differ_between_drives()
    {
        FiscalReceipt Run(string registerId)
        {
            var (state, _) = Open(Registered(registerId: registerId), T0);
            return Fiscalized(state, Sale(), T0 + Minute).Receipt;
        }

        var a1 = Run("till-a");
        var a2 = Run("till-a");
        var b = Run("till-b");

        Assert.Equal(a1.Header.FiscalSign, a2.Header.FiscalSign);
        Assert.Equal(a1.Qr, a2.Qr);
        Assert.NotEqual(a1.Header.FiscalSign, b.Header.FiscalSign);
        Assert.Equal(a1.Header.FiscalDocumentNumber, b.Header.FiscalDocumentNumber);
        Assert.IsType<uint>(a1.Header.FiscalSign);
    }

    [Fact]
    public void An_altered_or_foreign_document_does_not_verify()
    {
        var (state, _) = Open(Registered(registerId: "till-a"), T0);
        (state, var receipt) = Fiscalized(state, Sale(), T0 + Minute);
        var (other, _) = Open(Registered(registerId: "till-b"), T0);

        Assert.True(FiscalDrive.Verify(state, receipt));
        Assert.False(FiscalDrive.Verify(state, receipt with { Total = receipt.Total + 1m }));
        Assert.False(FiscalDrive.Verify(state, receipt with { Header = receipt.Header with { FiscalDocumentNumber = 99 } }));
        Assert.False(FiscalDrive.Verify(state, receipt with { Lines = [receipt.Lines[0] with { Quantity = 2m }] }));
        Assert.False(FiscalDrive.Verify(other, receipt));
    }

    [Fact]
    public void Replaying_the_documents_rebuilds_the_state()
    {
        var registered = Registered();
        var state = registered;
        var documents = new List<IFiscalDocument>();
        var at = T0;
        for (var shift = 0; shift < 2; shift++)
        {
            (state, var open) = Open(state, at += Minute);
            documents.Add(open);
            for (var i = 0; i < 3; i++)
            {
                (state, var receipt) = Fiscalized(state, i == 1 ? Refund(5m) : Sale(7m), at += Minute);
                documents.Add(receipt);
            }
            (state, var report, _) = FiscalDrive.ReportState(state, at += Minute);
            documents.Add(report!);
            if (shift == 0)
            {
                (state, var z) = Close(state, at += Minute);
                documents.Add(z);
            }
        }

        var replayed = documents.Aggregate(registered, FiscalDrive.Apply);
        var twice = documents.Aggregate(replayed, FiscalDrive.Apply);   // already applied: no change

        foreach (var s in new[] { replayed, twice })
        {
            Assert.Equal(state.LastFiscalDocumentNumber, s.LastFiscalDocumentNumber);
            Assert.Equal(state.LastDocumentAt, s.LastDocumentAt);
            Assert.Equal(state.Shift, s.Shift);
            Assert.Equal(state.OfdOutbox.ToArray(), s.OfdOutbox.ToArray());
        }
        Assert.Same(replayed, twice);
        Assert.Equal(new Shift(2, T0 + 7 * Minute, null, 3, 5, new ShiftTotals(14m, 5m, 2, 1, 0), Ivanova), state.Shift);
    }

    [Fact]
    public void A_gap_in_the_replayed_documents_is_an_error()
    {
        var registered = Registered();
        var (opened, _) = Open(registered, T0 + Minute);
        var (_, receipt) = Fiscalized(opened, Sale(), T0 + 2 * Minute);

        Assert.Throws<InvalidOperationException>(() => FiscalDrive.Apply(registered, receipt));
    }

    [Fact]
    public void The_vat_switch_follows_the_stores_calendar_not_utc()
    {
        // 2025-12-31 20:00 UTC is 23:00 in Moscow; 21:10 UTC is already 00:10 on 1 January 2026 there.
        var evening = new DateTimeOffset(2025, 12, 31, 20, 0, 0, TimeSpan.Zero);
        var (state, _) = Open(Registered(evening), evening);

        (state, var before) = Fiscalized(state, Sale(120m, VatRate.Vat20), evening + TimeSpan.FromMinutes(50));
        Assert.Equal(new[] { new VatAmount(VatRate.Vat20, 20.00m) }, before.Vat);

        var afterMidnight = evening + TimeSpan.FromMinutes(70);
        var error = Refused(state, Sale(120m, VatRate.Vat20), afterMidnight);
        Assert.Equal(ErrorCodes.UnsupportedVatRate, error.Code);
        Assert.Equal("items[0].vat", error.Field);

        var (_, after) = Fiscalized(state, Sale(122m, VatRate.Vat22), afterMidnight);
        Assert.Equal(new[] { new VatAmount(VatRate.Vat22, 22.00m) }, after.Vat);
        Assert.StartsWith("t=20260101T0010&s=122.00&", after.Qr);
    }

    [Fact]
    public void A_correction_uses_the_rates_of_the_settlement_it_corrects_and_shares_receipt_numbers()
    {
        var (state, _) = Open(Registered(), T0);
        (state, var receipt) = Fiscalized(state, Sale(), T0 + Minute);

        var (next, correction, error) = FiscalDrive.FiscalizeCorrection(state,
            Correction(new DateOnly(2025, 12, 30), VatRate.Vat20) with { Basis = new CorrectionBasis(CorrectionType.ByOrder, new DateOnly(2025, 12, 30), "ED-7-123") },
            T0 + 2 * Minute);

        Assert.Null(error);
        Assert.Equal(FiscalDocumentForm.CorrectionReceipt, correction!.Header.Form);
        Assert.Equal(receipt.ReceiptNumber + 1, correction.ReceiptNumber);
        Assert.Equal(new CorrectionBasis(CorrectionType.ByOrder, new DateOnly(2025, 12, 30), "ED-7-123"), correction.Correction);
        Assert.Equal(new[] { new VatAmount(VatRate.Vat20, 4.17m) }, correction.Vat);   // 25 × 20 / 120 = 4.1666...
        Assert.Equal(1, next.Shift!.Totals.CorrectionCount);
        Assert.True(FiscalDrive.Verify(next, correction));
    }

    public static TheoryData<CorrectionRequest, string, string> BadCorrections => new()
    {
        { new CorrectionRequest(FiscalOperation.Sell, new CorrectionBasis(CorrectionType.SelfInitiated, new DateOnly(2026, 3, 1)),
            [new ReceiptItem("milk", null, 1m, 25m, VatRate.Vat22)], [new ReceiptPayment(PaymentType.Cash, 30m)]),
          ErrorCodes.PaymentMismatch, "payments" },
        { new CorrectionRequest(FiscalOperation.Sell, new CorrectionBasis(CorrectionType.SelfInitiated, new DateOnly(2026, 3, 3)),
            [new ReceiptItem("milk", null, 1m, 25m, VatRate.Vat22)], [new ReceiptPayment(PaymentType.Cash, 25m)]),
          ErrorCodes.ValidationFailed, "correction.settlementDate" },
        { new CorrectionRequest(FiscalOperation.Sell, new CorrectionBasis(CorrectionType.ByOrder, new DateOnly(2026, 3, 1)),
            [new ReceiptItem("milk", null, 1m, 25m, VatRate.Vat22)], [new ReceiptPayment(PaymentType.Cash, 25m)]),
          ErrorCodes.ValidationFailed, "correction.orderNumber" },
        { new CorrectionRequest(FiscalOperation.Sell, new CorrectionBasis(CorrectionType.SelfInitiated, new DateOnly(2025, 12, 1)),
            [new ReceiptItem("milk", null, 1m, 25m, VatRate.Vat22)], [new ReceiptPayment(PaymentType.Cash, 25m)]),
          ErrorCodes.UnsupportedVatRate, "items[0].vat" },
    };

    [Theory]
    [MemberData(nameof(BadCorrections))]
    public void A_bad_correction_is_refused(CorrectionRequest request, string code, string field)
    {
        var (state, _) = Open(Registered(), T0);

        var (same, correction, error) = FiscalDrive.FiscalizeCorrection(state, request, T0 + Minute);

        Assert.Null(correction);
        Assert.Same(state, same);
        Assert.Equal(code, error!.Code);
        Assert.Equal(field, error.Field);
    }

    [Fact]
    public void A_register_with_several_taxation_systems_needs_the_receipt_to_name_one()
    {
        var (state, _) = Open(Registered(systems: TaxationSystem.Osn | TaxationSystem.UsnIncome), T0);

        Assert.Equal("taxationSystem", Refused(state, Sale(), T0 + Minute).Field);
        Assert.Equal("taxationSystem", Refused(state, Sale() with { TaxationSystem = TaxationSystem.Patent }, T0 + Minute).Field);
        Assert.Equal("taxationSystem", Refused(state, Sale() with { TaxationSystem = TaxationSystem.Osn | TaxationSystem.UsnIncome }, T0 + Minute).Field);
        var (_, receipt) = Fiscalized(state, Sale() with { TaxationSystem = TaxationSystem.UsnIncome }, T0 + Minute);
        Assert.Equal(TaxationSystem.UsnIncome, receipt.TaxationSystem);
    }

    [Fact]
    public void A_request_error_is_reported_before_a_drive_error()
    {
        var state = Registered();

        var error = Refused(state, Sale() with { Payments = [] }, T0);

        Assert.Equal(ErrorCodes.PaymentMismatch, error.Code);
    }

    [Fact]
    public void Documents_never_go_back_in_time_when_the_clock_does()
    {
        var (state, _) = Open(Registered(), T0);
        (state, var first) = Fiscalized(state, Sale(), T0 + 10 * Minute);

        (_, var second) = Fiscalized(state, Sale(), T0 + 9 * Minute);

        Assert.Equal(first.Header.DateTime, second.Header.DateTime);
        Assert.Equal(first.Header.FiscalDocumentNumber + 1, second.Header.FiscalDocumentNumber);
    }

    [Fact]
    public void The_state_report_works_with_or_without_a_shift_and_shows_the_backlog()
    {
        var registered = Registered();
        var (_, idle, idleError) = FiscalDrive.ReportState(registered, T0 + Minute);
        Assert.Null(idleError);
        Assert.Equal(FiscalDocumentForm.StateReport, idle!.Header.Form);
        Assert.Equal(0, idle.Header.ShiftNumber);
        Assert.False(idle.ShiftOpen);
        Assert.Equal(new OfdBacklog(1, T0, 1, false), idle.Ofd);

        var (open, _) = Open(registered, T0);
        var late = T0 + TimeSpan.FromDays(31);
        var (after, report, _) = FiscalDrive.ReportState(open, late);
        Assert.True(report!.ShiftOpen);
        Assert.True(report.ShiftExpired);
        Assert.True(report.Ofd.Blocked);
        Assert.Equal(2, report.Ofd.UnconfirmedCount);
        Assert.Equal(2, after.Shift!.DocumentCount);
    }

    [Fact]
    public void The_status_shows_what_the_register_endpoint_needs()
    {
        var (state, _) = Open(Registered(), T0);
        (state, _) = Fiscalized(state, Sale(), T0 + Minute);

        var status = FiscalDrive.Status(state, T0 + TimeSpan.FromHours(25));

        Assert.Equal(state.Identity.FnSerial, status.FnSerial);
        Assert.Equal(state.Identity.RegistrationNumber, status.RegistrationNumber);
        Assert.Equal(3, status.LastFiscalDocumentNumber);
        Assert.Equal(new ShiftStatus(1, true, new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.FromHours(3)), 1, true), status.Shift);
        Assert.Equal(new OfdBacklog(3, T0, 1, false), status.Ofd);
        Assert.Equal(new ShiftStatus(0, false, null, 0, false), FiscalDrive.Status(Registered(), T0).Shift);
    }

    [Fact]
    public void Opening_a_shift_needs_a_cashier_name_and_a_valid_inn_if_given()
    {
        var state = Registered();

        Assert.Equal("cashier.name", FiscalDrive.OpenShift(state, new Cashier(" "), T0).Error!.Field);
        Assert.Equal("cashier.inn", FiscalDrive.OpenShift(state, new Cashier("Ivanova A.", "500100732250"), T0).Error!.Field);
        var (_, report, error) = FiscalDrive.OpenShift(state, new Cashier("Ivanova A.", "500100732259"), T0);
        Assert.Null(error);
        Assert.Equal("500100732259", report!.Cashier.Inn);
    }

    [Fact]
    public void A_state_read_without_its_outbox_counts_as_an_empty_outbox()
    {
        var state = Registered() with { OfdOutbox = default };

        Assert.Equal(new OfdBacklog(0, null, null, false), FiscalDrive.Backlog(state, T0));
        Assert.Equal(0, FiscalDrive.Confirm(state, 1, T0).Confirmation!.Confirmed);
        var (opened, _) = Open(state, T0 + Minute);
        Assert.Equal(new long[] { 2 }, opened.OfdOutbox.Select(e => e.FiscalDocumentNumber));
    }
}
