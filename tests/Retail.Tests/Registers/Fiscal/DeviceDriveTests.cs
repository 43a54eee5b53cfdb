using System.Collections.Immutable;
using Retail.Common;
using Retail.Registers.Fiscal;

namespace Retail.Tests.Registers.Fiscal;

public sealed class DeviceDriveTests
{
    private const string Fn = "9960440300123456";
    private const string NextFn = "9960440300654321";
    private const string Rnm = "0000000001012345";
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 9, 0, 0, TimeSpan.FromHours(3));

    private static DeviceRegisterState Registered(long? first = null)
    {
        var (state, error) = DeviceDrive.Register(Fn, Rnm, first, "7707083893", TaxationSystem.Osn, "Europe/Moscow", Now);
        Assert.Null(error);
        return state!;
    }

    private static DeviceDocument Receipt(long fd, int shift, int number) => new(FiscalDocumentForm.Receipt, fd, shift, Now, ReceiptNumber: number);

    private static DeviceDocument Opening(long fd, int shift) => new(FiscalDocumentForm.ShiftOpenReport, fd, shift, Now);

    private static DeviceDocument Closing(long fd, int shift, int receipts, int documents) =>
        new(FiscalDocumentForm.ShiftCloseReport, fd, shift, Now, ReceiptCount: receipts, DocumentCount: documents);

    /// <summary>Shift 1: opening FD 2, receipts FD 3..12, Z-report FD 13; shift 2: opening FD 14, receipts FD 15..16, Z-report FD 17.</summary>
    private static List<DeviceDocument> TwoShifts() =>
    [
        Opening(2, 1), .. Enumerable.Range(0, 10).Select(i => Receipt(3 + i, 1, 1 + i)), Closing(13, 1, 10, 12),
        Opening(14, 2), Receipt(15, 2, 1), Receipt(16, 2, 2), Closing(17, 2, 2, 4),
    ];

    private static DeviceDriveState AcceptAll(DeviceDriveState drive, IEnumerable<DeviceDocument> documents)
    {
        foreach (var document in documents)
        {
            var (next, _, error) = DeviceDrive.Accept(drive, document);
            Assert.Null(error);
            drive = next;
        }
        return drive;
    }

    private static DomainError Refused(DeviceDriveState drive, DeviceDocument document)
    {
        var (next, gap, error) = DeviceDrive.Accept(drive, document);
        Assert.NotNull(error);
        Assert.Same(drive, next);
        Assert.Null(gap);
        return error;
    }

    [Fact]
    public void Two_shifts_in_any_order_leave_no_gap_and_only_the_latest_shift_in_detail()
    {
        var shuffled = TwoShifts().OrderBy(_ => Random.Shared.Next()).ToList();

        var drive = AcceptAll(Registered().Current, shuffled);

        Assert.Equal(17, drive.HighestReceived);
        Assert.Equal(0, drive.MissingCount);
        Assert.Empty(drive.Missing);
        Assert.True(drive.CompletedShifts.Contains(1));
        var latest = Assert.Single(drive.KnownShifts);
        Assert.Equal((2, 14L, 17L, 2L), (latest.Number, latest.OpenFiscalDocumentNumber, latest.CloseFiscalDocumentNumber, latest.ReceivedReceipts));
        Assert.Empty(DeviceDrive.ShortShifts(drive));
    }

    [Fact]
    public void A_document_ahead_of_the_highest_opens_a_gap_and_late_ones_close_it()
    {
        var drive = Registered().Current;

        var (afterFive, gap, _) = DeviceDrive.Accept(drive, Receipt(5, 1, 3));
        var (afterFour, noGap, _) = DeviceDrive.Accept(afterFive, Receipt(4, 1, 2));

        Assert.Equal(new NumberRange(2, 4), gap);
        Assert.Null(noGap);
        Assert.Equal([new NumberRange(2, 3)], afterFour.Missing);
        Assert.Equal(2, afterFour.MissingCount);
    }

    [Fact]
    public void A_z_report_names_the_receipts_still_missing_from_its_shift()
    {
        var drive = AcceptAll(Registered().Current, [Opening(2, 1), Receipt(3, 1, 1), Receipt(6, 1, 4), Closing(8, 1, 5, 7)]);

        var shift = Assert.Single(DeviceDrive.ShortShifts(drive));
        Assert.Equal((5, 2L), (shift.ReceiptCount, shift.ReceivedReceipts));
        Assert.Equal([new NumberRange(2, 3), new NumberRange(5, 5)], shift.ReceiptNumbers.MissingWithin(1, 5));
        Assert.Equal([new NumberRange(4, 5), new NumberRange(7, 7)], drive.Missing);
    }

    [Fact]
    public void Tracking_may_start_later_on_an_fn_already_in_use()
    {
        var drive = Registered(first: 5000).Current;

        var (next, gap, _) = DeviceDrive.Accept(drive, Receipt(5001, 40, 7));

        Assert.Equal(new NumberRange(5000, 5000), gap);
        Assert.Equal(1, next.MissingCount);
        Assert.Equal(ErrorCodes.ValidationFailed, Refused(next, Receipt(4999, 40, 6)).Code);
    }

    [Fact]
    public void Documents_that_contradict_what_arrived_are_refused_and_change_nothing()
    {
        var drive = AcceptAll(Registered().Current, [Opening(2, 1), Receipt(3, 1, 1), Receipt(4, 1, 2), Closing(6, 1, 3, 5), Opening(7, 2), Receipt(8, 2, 1)]);

        Assert.Equal(ErrorCodes.ValidationFailed, Refused(drive, Receipt(1, 1, 9)).Code);
        Assert.Equal(ErrorCodes.IdempotencyConflict, Refused(drive, Receipt(4, 1, 3)).Code);
        Assert.Equal(ErrorCodes.InvalidState, Refused(drive, Receipt(5, 1, 2)).Code);   // receipt 2 of shift 1 is FD 4
        Assert.Equal(ErrorCodes.InvalidState, Refused(drive, Receipt(5, 1, 4)).Code);   // the Z-report counts 3 receipts
        Assert.Equal(ErrorCodes.InvalidState, Refused(drive, Receipt(9, 1, 3)).Code);   // after the Z-report at FD 6
        Assert.Equal(ErrorCodes.InvalidState, Refused(drive, Receipt(5, 2, 2)).Code);   // shift 2 opened at FD 7
        Assert.Equal(ErrorCodes.InvalidState, Refused(drive, Opening(9, 2)).Code);      // opened already
        Assert.Equal(ErrorCodes.InvalidState, Refused(drive, Closing(10, 2, 1, 5)).Code); // opened at FD 7: FD 7..10 are 4 documents
        Assert.Equal(ErrorCodes.InvalidState, Refused(drive, Closing(10, 2, 0, 4)).Code); // receipt 1 already arrived
        Assert.Equal(ErrorCodes.InvalidState, Refused(drive, Receipt(12, 1, 3)).Code);  // FD order follows shift order
        Assert.Equal(ErrorCodes.ValidationFailed, Refused(drive, Closing(20, 3, 5, 6)).Code); // 5 receipts need 7 documents
        Assert.Equal(ErrorCodes.ValidationFailed, Refused(drive, Receipt(0, 2, 2)).Code);
        Assert.Equal(ErrorCodes.ValidationFailed, Refused(drive, Receipt(DeviceDrive.MaxFiscalDocumentNumber + 1, 2, 2)).Code);
        Assert.Equal(ErrorCodes.ValidationFailed, Refused(drive, Receipt(9, 0, 2)).Code);
        Assert.Equal(ErrorCodes.ValidationFailed, Refused(drive, Receipt(9, 2, 0)).Code);
    }

    [Fact]
    public void A_shift_with_every_document_takes_no_more()
    {
        var drive = AcceptAll(Registered().Current, TwoShifts());

        Assert.Equal(ErrorCodes.InvalidState, Refused(drive, Receipt(30, 1, 11)).Code);
    }

    [Fact]
    public void A_state_report_fills_its_number_without_touching_the_shifts()
    {
        var drive = AcceptAll(Registered().Current, [Opening(2, 1), Receipt(4, 1, 1)]);

        var after = AcceptAll(drive, [new DeviceDocument(FiscalDocumentForm.StateReport, 3, 1, Now)]);

        Assert.Equal(0, after.MissingCount);
        Assert.Equal(drive.KnownShifts, after.KnownShifts);
    }

    [Fact]
    public void A_new_fn_starts_its_own_sequence_and_the_old_one_keeps_its_gaps()
    {
        var state = Registered();
        state = state.With(AcceptAll(state.Current, [Receipt(2, 1, 1), Receipt(5, 1, 4)]));

        var (replaced, changed, error) = DeviceDrive.Reregister(state, NextFn, Rnm, null, Now.AddDays(1));
        var (same, unchanged, _) = DeviceDrive.Reregister(replaced, NextFn, Rnm, null, Now.AddDays(2));

        Assert.Null(error);
        Assert.True(changed);
        Assert.False(unchanged);
        Assert.Same(replaced, same);
        Assert.Equal([Fn, NextFn], replaced.Drives.Select(d => d.FnSerial));
        Assert.Equal(Now.AddDays(1), replaced.Drives[0].ReplacedAt);
        Assert.Equal(2, replaced.MissingCount);
        Assert.Equal(0, replaced.Current.MissingCount);
        Assert.Equal(ErrorCodes.InvalidState, DeviceDrive.Reregister(replaced, Fn, Rnm, null, Now).Error!.Code);
        Assert.Equal(ErrorCodes.InvalidState, DeviceDrive.Reregister(replaced, "9960440300000001", "0000000001099999", null, Now).Error!.Code);
        Assert.Equal(ErrorCodes.InvalidState, DeviceDrive.Reregister(replaced, NextFn, Rnm, 100, Now).Error!.Code);
        Assert.Equal(ErrorCodes.ValidationFailed, DeviceDrive.Reregister(replaced, "996044030012345", Rnm, null, Now).Error!.Code);
    }

    [Fact]
    public void A_device_state_comes_back_whole_from_its_journal_form()
    {
        var state = Registered();
        state = state.With(AcceptAll(state.Current, TwoShifts().Where(d => d.FiscalDocumentNumber is not (5 or 15))));
        state = DeviceDrive.Reregister(state, NextFn, Rnm, 10, Now).State;
        var json = System.Text.Json.JsonSerializer.Serialize(state, new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web));

        var back = System.Text.Json.JsonSerializer.Deserialize<DeviceRegisterState>(json, new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web))!;

        Assert.Equal(json, System.Text.Json.JsonSerializer.Serialize(back, new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web)));
        Assert.Equal([Fn, NextFn], back.Drives.Select(d => d.FnSerial));
        Assert.Equal([new NumberRange(5, 5), new NumberRange(15, 15)], back.Drives[0].Missing);
        Assert.Equal([1, 2], DeviceDrive.ShortShifts(back.Drives[0]).Select(s => s.Number));
        Assert.Equal(10, back.Current.FirstFiscalDocumentNumber);
        Assert.DoesNotContain("missing", json, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("99604403001234567", Rnm, null, "fnSerial")]
    [InlineData("996044030012345x", Rnm, null, "fnSerial")]
    [InlineData(Fn, "1012345", null, "registrationNumber")]
    [InlineData(Fn, Rnm, 1L, "firstFiscalDocumentNumber")]
    public void Registration_needs_sixteen_digit_numbers_and_a_first_document_after_fd_1(string fn, string rnm, long? first, string field)
    {
        var (state, error) = DeviceDrive.Register(fn, rnm, first, "7707083893", TaxationSystem.Osn, "Europe/Moscow", Now);

        Assert.Null(state);
        Assert.Equal((ErrorCodes.ValidationFailed, field), (error!.Code, error.Field));
    }

    private static ReceiptRequest Sale(decimal quantity = 2, decimal price = 79.90m, decimal? paid = null) => new(FiscalOperation.Sell,
        [new ReceiptItem("kefir", "Kefir", quantity, price, VatRate.Vat22)], [new ReceiptPayment(PaymentType.Cash, paid ?? quantity * price)]);

    private static DeviceReceiptFacts Facts(string? qr = null, decimal? total = null, ImmutableArray<VatAmount>? vat = null) =>
        new(Fn, Rnm, 42, 3_000_000_001, 7, 3, new DateTimeOffset(2026, 3, 2, 18, 10, 5, TimeSpan.Zero), qr, total, vat);

    [Fact]
    public void A_device_receipt_has_the_calculators_sums_the_drives_numbers_and_the_stores_local_time()
    {
        var (receipt, error) = DeviceDrive.Receipt(
            Facts(qr: "t=20260302T211005&s=159.80&fn=9960440300123456&i=42&fp=3000000001&n=1", total: 159.80m, vat: [new VatAmount(VatRate.Vat22, 28.82m)]),
            Sale(), TaxationSystem.Osn, "Europe/Moscow");

        Assert.Null(error);
        Assert.Equal((42L, 7, 3, 3_000_000_001u), (receipt!.Header.FiscalDocumentNumber, receipt.Header.ShiftNumber, receipt.ReceiptNumber, receipt.Header.FiscalSign));
        Assert.Equal(new DateTimeOffset(2026, 3, 2, 21, 10, 5, TimeSpan.FromHours(3)), receipt.Header.DateTime);
        Assert.Equal(TimeSpan.FromHours(3), receipt.Header.DateTime.Offset);
        Assert.Equal(159.80m, receipt.Total);
        Assert.Equal("t=20260302T2110&s=159.80&fn=9960440300123456&i=42&fp=3000000001&n=1", receipt.Qr);
    }

    [Theory]
    [InlineData("t=20260302T2110&s=159.81&fn=9960440300123456&i=42&fp=3000000001&n=1")]
    [InlineData("t=20260302T2110&s=159.80&fn=9960440300000000&i=42&fp=3000000001&n=1")]
    [InlineData("t=20260302T2110&s=159.80&fn=9960440300123456&i=43&fp=3000000001&n=1")]
    [InlineData("t=20260302T2110&s=159.80&fn=9960440300123456&i=42&fp=3000000002&n=1")]
    [InlineData("t=20260302T2110&s=159.80&fn=9960440300123456&i=42&fp=3000000001&n=2")]
    [InlineData("t=20260302T2111&s=159.80&fn=9960440300123456&i=42&fp=3000000001&n=1")]
    [InlineData("t=20260302T211006&s=159.80&fn=9960440300123456&i=42&fp=3000000001&n=1")]
    [InlineData("t=20260302T2110&s=159.80&fn=9960440300123456&i=42&fp=3000000001&n=1&a=2")]
    public void A_qr_code_that_disagrees_with_the_receipt_is_refused(string qr)
    {
        var (receipt, error) = DeviceDrive.Receipt(Facts(qr), Sale(), TaxationSystem.Osn, "Europe/Moscow");

        Assert.Null(receipt);
        Assert.Equal((ErrorCodes.ValidationFailed, "fiscal.qr"), (error!.Code, error.Field));
    }

    [Fact]
    public void A_drives_total_or_vat_that_the_items_do_not_add_up_to_is_refused()
    {
        var total = DeviceDrive.Receipt(Facts(total: 160m), Sale(), TaxationSystem.Osn, "Europe/Moscow").Error;
        var vat = DeviceDrive.Receipt(Facts(vat: [new VatAmount(VatRate.Vat10, 14.53m)]), Sale(), TaxationSystem.Osn, "Europe/Moscow").Error;
        var payments = DeviceDrive.Receipt(Facts(), Sale(paid: 150m), TaxationSystem.Osn, "Europe/Moscow").Error;

        Assert.Equal((ErrorCodes.ValidationFailed, "fiscal.total"), (total!.Code, total.Field));
        Assert.Equal((ErrorCodes.ValidationFailed, "fiscal.vat"), (vat!.Code, vat.Field));
        Assert.Equal(ErrorCodes.PaymentMismatch, payments!.Code);
    }

    [Fact]
    public void The_vat_rates_in_force_follow_the_receipts_local_date()
    {
        // 2025-12-31 23:30 in Moscow is 20:30 UTC: 22% was not yet in force.
        var facts = Facts() with { DateTime = new DateTimeOffset(2025, 12, 31, 20, 30, 0, TimeSpan.Zero) };

        var error = DeviceDrive.Receipt(facts, Sale(), TaxationSystem.Osn, "Europe/Moscow").Error;

        Assert.Equal(ErrorCodes.UnsupportedVatRate, error!.Code);
    }
}
