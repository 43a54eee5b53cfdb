using Retail.Common;
using Retail.Registers.Fiscal;

namespace Retail.Tests.Registers.Fiscal;

public sealed class FiscalQrTests
{
    private const string Example1 = "t=20200115T2110&s=1030.00&fn=9251440300046840&i=29414&fp=1250830908&n=1";
    private const string Example2 = "t=20180518T220500&s=975.88&fn=8710000101125654&i=99456&fp=1250448795&n=1";
    private const string Example3 = "t=20150720T1638&s=9999999.00&fn=000110000105&i=12345678&fp=123456&n=2";

    private static FiscalQr Parsed(string text)
    {
        var (qr, error) = FiscalQr.Parse(text);
        Assert.Null(error);
        Assert.NotNull(qr);
        return qr;
    }

    [Fact]
    public void The_first_public_example_parses_to_its_stated_values()
    {
        var qr = Parsed(Example1);

        Assert.Equal(new DateTime(2020, 1, 15, 21, 10, 0), qr.LocalTime);
        Assert.Equal(1030.00m, qr.Sum);
        Assert.Equal("9251440300046840", qr.FnSerial);
        Assert.Equal(29414, qr.FiscalDocumentNumber);
        Assert.Equal(1250830908u, qr.FiscalSign);
        Assert.Equal(FiscalOperation.Sell, qr.Operation);
        Assert.Equal(Example1, qr.ToQrString());
    }

    [Fact]
    public void The_second_public_example_keeps_its_seconds_but_prints_without_them()
    {
        var qr = Parsed(Example2);

        Assert.Equal(new DateTime(2018, 5, 18, 22, 5, 0), qr.LocalTime);
        Assert.Equal(975.88m, qr.Sum);
        Assert.Equal("8710000101125654", qr.FnSerial);
        Assert.Equal(99456, qr.FiscalDocumentNumber);
        Assert.Equal(1250448795u, qr.FiscalSign);
        Assert.Equal(FiscalOperation.Sell, qr.Operation);
        Assert.Equal("t=20180518T2205&s=975.88&fn=8710000101125654&i=99456&fp=1250448795&n=1", qr.ToQrString());
    }

    [Fact]
    public void The_tax_service_sample_is_a_refund_with_a_short_fn_kept_as_written()
    {
        var qr = Parsed(Example3);

        Assert.Equal(new DateTime(2015, 7, 20, 16, 38, 0), qr.LocalTime);
        Assert.Equal(9999999.00m, qr.Sum);
        Assert.Equal("000110000105", qr.FnSerial);
        Assert.Equal(12345678, qr.FiscalDocumentNumber);
        Assert.Equal(123456u, qr.FiscalSign);
        Assert.Equal(FiscalOperation.SellRefund, qr.Operation);
        Assert.Equal(Example3, qr.ToQrString());
    }

    [Fact]
    public void Seconds_and_a_sum_without_kopecks_normalise_to_the_canonical_form()
    {
        var qr = Parsed("t=20150720T163800&s=9999999&fn=000110000105&i=12345678&fp=123456&n=2");

        Assert.Equal(Example3, qr.ToQrString());
        Assert.Equal(Parsed(Example3), qr);
    }

    [Fact]
    public void Parameters_may_come_in_any_order_and_leading_zeros_drop()
    {
        var qr = Parsed("n=1&fp=01250830908&i=029414&fn=9251440300046840&s=1030.0&t=20200115T2110");

        Assert.Equal(Example1, qr.ToQrString());
    }

    [Fact]
    public void A_generated_code_drops_seconds_and_always_shows_kopecks()
    {
        var qr = new FiscalQr(new DateTime(2026, 3, 2, 10, 5, 59), 100m, "0000440300046840", 7, uint.MaxValue, FiscalOperation.SellRefund);

        Assert.Equal("t=20260302T1005&s=100.00&fn=0000440300046840&i=7&fp=4294967295&n=2", qr.ToQrString());
    }

    [Fact]
    public void A_sign_above_int_max_value_parses()
    {
        var qr = Parsed("t=20200115T2110&s=1.00&fn=9251440300046840&i=1&fp=4294967295&n=1");

        Assert.Equal(4294967295u, qr.FiscalSign);
        Assert.True(qr.FiscalSign > int.MaxValue);
    }

    [Theory]
    [InlineData(Example1 + "&a=2")]                                                          // a seventh parameter
    [InlineData("t=20200115T2110&s=1030.00&fn=9251440300046840&i=29414&fp=1250830908&x=1")]  // unknown key instead of n
    [InlineData("x=1&" + Example1)]                                                          // unknown key added
    [InlineData("t=20200115T2110&s=1030.00=20&fn=9251440300046840&i=29414&fp=1250830908&n=1")]
    [InlineData("t=20150720T1638&s=9999A99.00&fn=000110000105&i=12345678&fp=123456&n=2")]
    [InlineData("t=20200115T2110&s=1030.00&fn=9251440300046840&i=29414&fp=1250830908&n=bad")]
    [InlineData("t=20200115T2110&s=1030.00&fn=9251440300046840&i=29414&fp=1250830908")]        // n missing
    [InlineData("t=20200115T2110&s=1030.00&fn=9251440300046840&i=29414&fp=1250830908&n=1&n=1")] // n twice
    [InlineData("t=20200115T2110&s=1030.00&fn=9251440300046840&i=29414&fp=1250830908&n=1&")]   // trailing '&'
    [InlineData("t=20200115T2110&s=1030.00&fn=9251440300046840&i=29414&fp=1250830908&n=5")]
    [InlineData("t=20200115T2110&s=1030.00&fn=9251440300046840&i=29414&fp=1250830908&n=1\n")]
    [InlineData("t=20201315T2110&s=1030.00&fn=9251440300046840&i=29414&fp=1250830908&n=1")]    // month 13
    [InlineData("t=20200115T2510&s=1030.00&fn=9251440300046840&i=29414&fp=1250830908&n=1")]    // hour 25
    [InlineData("t=20200115T21&s=1030.00&fn=9251440300046840&i=29414&fp=1250830908&n=1")]
    [InlineData("t=20200115T2110&s=1030.001&fn=9251440300046840&i=29414&fp=1250830908&n=1")]
    [InlineData("t=20200115T2110&s=-1.00&fn=9251440300046840&i=29414&fp=1250830908&n=1")]
    [InlineData("t=20200115T2110&s=&fn=9251440300046840&i=29414&fp=1250830908&n=1")]
    [InlineData("t=20200115T2110&s=1030.00&fn=92514403000468401&i=29414&fp=1250830908&n=1")]  // 17-digit FN
    [InlineData("t=20200115T2110&s=1030.00&fn=9251440300046840&i=0&fp=1250830908&n=1")]        // FD numbers start at 1
    [InlineData("t=20200115T2110&s=1030.00&fn=9251440300046840&i=29414&fp=4294967296&n=1")]   // above 32 bits
    [InlineData("t=20200115T2110&s=1030.00&fn=9251440300046840&i=+29414&fp=1250830908&n=1")]
    [InlineData("T=20200115T2110&s=1030.00&fn=9251440300046840&i=29414&fp=1250830908&n=1")]    // keys are lower case
    [InlineData("t=20200115T2110&s=1030.00&fn=9251440300046840&i=29414&fp=1250830908&n=١")]    // a non-Latin digit
    [InlineData("")]
    [InlineData(null)]
    public void Malformed_codes_are_rejected(string? text)
    {
        var (qr, error) = FiscalQr.Parse(text);

        Assert.Null(qr);
        Assert.NotNull(error);
        Assert.Equal(ErrorCodes.ValidationFailed, error.Code);
        Assert.Equal("qr", error.Field);
    }
}
