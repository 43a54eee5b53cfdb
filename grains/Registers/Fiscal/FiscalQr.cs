using System.Globalization;
using System.Text.RegularExpressions;
using Retail.Common;

namespace Retail.Registers.Fiscal;

/// <summary>
/// The receipt QR code a customer scans to check a receipt with the tax service:
/// <c>t=YYYYMMDDTHHMM&amp;s=RUBLES.KOPECKS&amp;fn=FN&amp;i=FD&amp;fp=SIGN&amp;n=OPERATION</c>.
/// <see cref="LocalTime"/> is the register's local wall-clock time (no offset travels in the code).
/// </summary>
[GenerateSerializer, Immutable, Alias("FiscalQr")]
public sealed partial record FiscalQr(
    [property: Id(0)] DateTime LocalTime,
    [property: Id(1)] decimal Sum,
    [property: Id(2)] string FnSerial,
    [property: Id(3)] long FiscalDocumentNumber,
    [property: Id(4)] uint FiscalSign,
    [property: Id(5)] FiscalOperation Operation)
{
    private const string Field = "qr";
    private static readonly string[] Keys = ["t", "s", "fn", "i", "fp", "n"];

    /// <summary>The canonical string: parameters in the standard order, minutes without seconds, two decimals.</summary>
    public string ToQrString() => string.Create(CultureInfo.InvariantCulture,
        $"t={LocalTime:yyyyMMdd'T'HHmm}&s={Sum:0.00}&fn={FnSerial}&i={FiscalDocumentNumber}&fp={FiscalSign}&n={(int)Operation}");

    /// <summary>
    /// Reads a receipt QR string: exactly the six parameters, each once, in any order. Seconds in
    /// <c>t</c>, a sum without kopecks and leading zeros in <c>i</c>/<c>fp</c> are accepted and normalised.
    /// </summary>
    public static (FiscalQr? Qr, DomainError? Error) Parse(string? text)
    {
        if (string.IsNullOrEmpty(text))
            return Fail("The QR string is empty.");

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in text.Split('&'))
        {
            var eq = part.IndexOf('=');
            if (eq <= 0)
                return Fail($"'{part}' is not a key=value parameter.");
            var key = part[..eq];
            if (Array.IndexOf(Keys, key) < 0)
                return Fail($"Unknown parameter '{key}'; a receipt QR has exactly t, s, fn, i, fp and n.");
            if (!values.TryAdd(key, part[(eq + 1)..]))
                return Fail($"Parameter '{key}' appears twice.");
        }
        if (values.Count != Keys.Length)
            return Fail($"Missing parameter(s) {string.Join(", ", Keys.Where(k => !values.ContainsKey(k)))}.");

        if (!TimePattern().IsMatch(values["t"]) || !DateTime.TryParseExact(values["t"],
                values["t"].Length == 13 ? "yyyyMMdd'T'HHmm" : "yyyyMMdd'T'HHmmss",
                CultureInfo.InvariantCulture, DateTimeStyles.None, out var time))
            return Fail($"t='{values["t"]}' is not a time YYYYMMDDTHHMM or YYYYMMDDTHHMMSS.");

        if (!SumPattern().IsMatch(values["s"]))
            return Fail($"s='{values["s"]}' is not a sum in rubles with at most two decimals.");
        var sum = decimal.Parse(values["s"], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);

        if (!FnPattern().IsMatch(values["fn"]))
            return Fail($"fn='{values["fn"]}' is not an FN serial of up to 16 digits.");

        // Tag 1040 and tag 1077 are both 32-bit unsigned on the drive.
        if (!DigitsPattern().IsMatch(values["i"]) || !uint.TryParse(values["i"], NumberStyles.None, CultureInfo.InvariantCulture, out var fd) || fd == 0)
            return Fail($"i='{values["i"]}' is not a fiscal document number.");
        if (!DigitsPattern().IsMatch(values["fp"]) || !uint.TryParse(values["fp"], NumberStyles.None, CultureInfo.InvariantCulture, out var fp))
            return Fail($"fp='{values["fp"]}' is not a fiscal sign (up to 4294967295).");

        if (values["n"] is not ['1' or '2' or '3' or '4'])
            return Fail($"n='{values["n"]}' is not a settlement sign 1-4 (tag 1054).");

        return (new FiscalQr(time, sum, values["fn"], fd, fp, (FiscalOperation)(values["n"][0] - '0')), null);
    }

    private static (FiscalQr?, DomainError?) Fail(string detail) => (null, new DomainError(ErrorCodes.ValidationFailed, detail, Field));

    [GeneratedRegex(@"^[0-9]{8}T[0-9]{4}([0-9]{2})?\z", RegexOptions.CultureInvariant)]
    private static partial Regex TimePattern();

    [GeneratedRegex(@"^[0-9]{1,14}(\.[0-9]{1,2})?\z", RegexOptions.CultureInvariant)]
    private static partial Regex SumPattern();

    [GeneratedRegex(@"^[0-9]{1,16}\z", RegexOptions.CultureInvariant)]
    private static partial Regex FnPattern();

    [GeneratedRegex(@"^[0-9]{1,20}\z", RegexOptions.CultureInvariant)]
    private static partial Regex DigitsPattern();
}
