using System.Text;
using Retail.Registers.Fiscal;

namespace Retail.Tests.Registers.Fiscal;

public sealed class FiscalSignTests
{
    [Fact]
    public void The_sign_is_the_first_four_bytes_of_the_hmac_read_big_endian()
    {
        // RFC 4231 test case 2: HMAC-SHA256("Jefe", "what do ya want for nothing?") starts 5b dc c1 46.
        var sign = FiscalSign.Compute("Jefe"u8, "what do ya want for nothing?"u8);

        Assert.Equal(0x5bdcc146u, sign);
        Assert.Equal(1541194054u, sign);
    }

    [Fact]
    public void The_sign_is_unsigned_and_may_exceed_int_max_value()
    {
        // RFC 4231 test case 1: key 20 × 0x0b, "Hi There" -> b0 34 4c 61 ...
        uint sign = FiscalSign.Compute(Enumerable.Repeat((byte)0x0b, 20).ToArray(), "Hi There"u8);

        Assert.Equal(2956217441u, sign);
        Assert.True(sign > int.MaxValue);
    }

    [Fact]
    public void The_same_document_signs_the_same_on_one_drive_and_differently_on_another()
    {
        var document = Encoding.UTF8.GetBytes("form=3\n1040=17\n1020=71.36\n");
        var driveA = FiscalDriveIdentity.Emulated("reg-a", "seed").KeyBytes()!;
        var driveB = FiscalDriveIdentity.Emulated("reg-b", "seed").KeyBytes()!;

        Assert.Equal(FiscalSign.Compute(driveA, document), FiscalSign.Compute(driveA, document));
        Assert.NotEqual(FiscalSign.Compute(driveA, document), FiscalSign.Compute(driveB, document));
        Assert.NotEqual(FiscalSign.Compute(driveA, document), FiscalSign.Compute(driveA, Encoding.UTF8.GetBytes("form=3\n1040=17\n1020=71.37\n")));
    }

    [Fact]
    public void An_emulated_identity_is_deterministic_per_register_and_seed()
    {
        var first = FiscalDriveIdentity.Emulated("msk-1-till-3", "seed");
        var again = FiscalDriveIdentity.Emulated("msk-1-till-3", "seed");
        var otherRegister = FiscalDriveIdentity.Emulated("msk-1-till-4", "seed");
        var otherSeed = FiscalDriveIdentity.Emulated("msk-1-till-3", "another seed");

        Assert.Equal(first, again);
        Assert.NotEqual(first.FnSerial, otherRegister.FnSerial);
        Assert.NotEqual(first.RegistrationNumber, otherRegister.RegistrationNumber);
        Assert.NotEqual(first.SigningKey, otherRegister.SigningKey);
        Assert.NotEqual(first.FnSerial, otherSeed.FnSerial);
        Assert.NotEqual(first.FnSerial, first.RegistrationNumber);
        Assert.True(first.IsWellFormed());
    }

    [Fact]
    public void Serials_and_registration_numbers_are_sixteen_digits_with_leading_zeros_kept()
    {
        var identities = Enumerable.Range(0, 200).Select(i => FiscalDriveIdentity.Emulated($"reg-{i}", "seed")).ToList();

        Assert.All(identities, id =>
        {
            Assert.Matches("^[0-9]{16}$", id.FnSerial);
            Assert.Matches("^[0-9]{16}$", id.RegistrationNumber);
            Assert.Equal(32, id.KeyBytes()!.Length);
        });
        // About one in ten starts with a zero; it stays there because the numbers are strings.
        Assert.Contains(identities, id => id.FnSerial.StartsWith('0'));
        Assert.Contains(identities, id => id.RegistrationNumber.StartsWith('0'));
    }

    [Theory]
    [InlineData("925144030004684", "0000000000000001")]   // 15 digits
    [InlineData("925144030004684A", "0000000000000001")]
    [InlineData("9251440300046840", "000000000000001")]
    public void Malformed_identities_are_not_well_formed(string fn, string rnm) =>
        Assert.False(new FiscalDriveIdentity(fn, rnm, Convert.ToBase64String(new byte[32])).IsWellFormed());

    [Fact]
    public void A_short_or_broken_key_is_not_well_formed()
    {
        Assert.False(new FiscalDriveIdentity("9251440300046840", "0000000000000001", Convert.ToBase64String(new byte[8])).IsWellFormed());
        Assert.False(new FiscalDriveIdentity("9251440300046840", "0000000000000001", "not base64!").IsWellFormed());
        Assert.True(new FiscalDriveIdentity("9251440300046840", "0000000000000001", Convert.ToBase64String(new byte[16])).IsWellFormed());
    }
}

/// <summary>The bytes a sign is computed over never change: documents signed by an earlier version still verify.</summary>
public sealed class CanonicalDocumentTests
{
    [Fact]
    public void Every_kind_of_document_signs_as_it_did_before()
    {
        var registered = FiscalDriveFixture.Registered();
        var (open, opened) = FiscalDriveFixture.Open(registered, FiscalDriveFixture.T0.AddMinutes(1));
        var sale = new ReceiptRequest(FiscalOperation.Sell,
            [new ReceiptItem("kefir", "Кефир «Простоквашино» 1%", 1.255m, 79.90m, VatRate.Vat10), new ReceiptItem("milk", "Milk 3.2%", 2, 100m, VatRate.Vat22)],
            [new ReceiptPayment(PaymentType.Cash, 301m)], "buyer@example.com");
        var (sold, receipt) = FiscalDriveFixture.Fiscalized(open, sale, FiscalDriveFixture.T0.AddMinutes(2));
        var (_, closed) = FiscalDriveFixture.Close(sold, FiscalDriveFixture.T0.AddMinutes(3));

        var signs = new IFiscalDocument[] { opened, receipt, closed }.Select(d => d.Header.FiscalSign).ToArray();

        // Computed by the version before the canonical form was written without a string a line.
        Assert.Equal([3089547882u, 270313471u, 1431501178u], signs);
    }
}
