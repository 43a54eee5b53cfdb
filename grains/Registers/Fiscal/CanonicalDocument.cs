using System.Globalization;
using System.Text;

namespace Retail.Registers.Fiscal;

/// <summary>
/// The bytes a fiscal sign is computed over: every field of the document except the sign itself
/// (and the QR string, which is derived from the sign), one <c>tag=value</c> line each in a fixed
/// order, numbers in invariant fixed-point form, strings length-prefixed so no value can forge a line.
/// </summary>
public static class CanonicalDocument
{
    public static byte[] ToBytes(IFiscalDocument document)
    {
        var w = new Writer();
        var h = document.Header;
        w.Int("form", (int)h.Form).Text("1041", h.FnSerial).Text("1037", h.RegistrationNumber)
            .Long("1040", h.FiscalDocumentNumber).Int("1038", h.ShiftNumber).Time("1012", h.DateTime);

        switch (document)
        {
            case RegistrationReport r:
                w.Text("register", r.RegisterId).Text("1018", r.UserInn).Int("1055", (int)r.TaxationSystems)
                    .Int("1209", r.FfdVersion).Text("timeZone", r.TimeZoneId);
                break;
            case ShiftOpenReport r:
                w.Cashier(r.Cashier);
                break;
            case ShiftCloseReport r:
                w.Cashier(r.Cashier).Time("openedAt", r.OpenedAt).Int("1118", r.ReceiptCount).Int("1111", r.DocumentCount)
                    .Totals(r.Totals).Backlog(r.Ofd);
                break;
            case StateReport r:
                w.Bool("shiftOpen", r.ShiftOpen).Bool("shiftExpired", r.ShiftExpired).Backlog(r.Ofd);
                break;
            case FiscalReceipt r:
                w.Int("1042", r.ReceiptNumber).Int("1054", (int)r.Operation).Int("1055", (int)r.TaxationSystem);
                if (r.Correction is { } c)
                    w.Int("1173", (int)c.Type).Date("1178", c.SettlementDate).Text("1179", c.OrderNumber);
                w.Int("lines", r.Lines.Length);
                foreach (var line in r.Lines)
                {
                    w.Text("sku", line.Sku).Text("1030", line.Name).Quantity("1023", line.Quantity).Money("1079", line.Price)
                        .Int("2108", (int)line.Unit).Int("1212", (int)line.PaymentObject).Int("1199", (int)line.Vat)
                        .Money("1043", line.Sum).Money("1200", line.VatAmount).Text("2000", line.MarkingCode);
                    // Written only when not the till's full payment, so every earlier document keeps its bytes (and its sign).
                    if (line.Method != PaymentMethod.FullPayment)
                        w.Int("1214", (int)line.Method);
                }
                w.Money("1020", r.Total);
                foreach (var vat in r.Vat)
                    w.Int("vatRate", (int)vat.Rate).Money("vatAmount", vat.Amount);
                w.Money("1031", r.Payments.Cash).Money("1081", r.Payments.Electronic).Money("1215", r.Payments.Prepayment)
                    .Money("1216", r.Payments.Credit).Money("1217", r.Payments.Other).Money("change", r.Change)
                    .Text("1008", r.CustomerContact);
                break;
            default:
                throw new ArgumentException($"No canonical form for {document.GetType().Name}.", nameof(document));
        }
        return w.ToBytes();
    }

    /// <summary>Appends each line straight into one builder, kept per thread: no string a line, no growth a document.</summary>
    private sealed class Writer
    {
        [ThreadStatic]
        private static StringBuilder? spare;

        private readonly StringBuilder text;

        public Writer()
        {
            text = spare ?? new StringBuilder(2048);
            spare = null;
            text.Clear();
        }

        private static CultureInfo Invariant => CultureInfo.InvariantCulture;

        public Writer Text(string key, string? value)
        {
            if (value is null)
                return Line(key, "-");
            text.Append(Invariant, $"{key}={value.Length}:{value}\n");
            return this;
        }

        public Writer Int(string key, int value)
        {
            text.Append(Invariant, $"{key}={value}\n");
            return this;
        }

        public Writer Long(string key, long value)
        {
            text.Append(Invariant, $"{key}={value}\n");
            return this;
        }

        public Writer Bool(string key, bool value) => Line(key, value ? "1" : "0");

        public Writer Money(string key, decimal value)
        {
            text.Append(Invariant, $"{key}={value:0.00}\n");
            return this;
        }

        public Writer Quantity(string key, decimal value)
        {
            text.Append(Invariant, $"{key}={value:0.000}\n");
            return this;
        }

        public Writer Time(string key, DateTimeOffset value)
        {
            text.Append(Invariant, $"{key}={value:yyyy-MM-dd'T'HH:mm:sszzz}\n");
            return this;
        }

        public Writer Date(string key, DateOnly value)
        {
            text.Append(Invariant, $"{key}={value:yyyy-MM-dd}\n");
            return this;
        }

        public Writer Cashier(Cashier? cashier) => Text("1021", cashier?.Name).Text("1203", cashier?.Inn);

        public Writer Totals(ShiftTotals t) =>
            Money("sell", t.Sell).Money("sellRefund", t.SellRefund).Int("sellCount", t.SellCount)
                .Int("sellRefundCount", t.SellRefundCount).Int("correctionCount", t.CorrectionCount);

        public Writer Backlog(OfdBacklog b)
        {
            Int("1097", b.UnconfirmedCount).Long("1116", b.FirstUnconfirmedNumber ?? 0).Bool("ofdBlocked", b.Blocked);
            return b.FirstUnconfirmedAt is { } at ? Time("1098", at) : Line("1098", "-");
        }

        public byte[] ToBytes()
        {
            var bytes = Encoding.UTF8.GetBytes(text.ToString());
            // Kept for the next document unless an unusually long one grew it: a thread holds no more than that.
            if (text.Capacity <= MaxKept)
                spare = text;
            return bytes;
        }

        private const int MaxKept = 16 * 1024;

        private Writer Line(string key, string value)
        {
            text.Append(key).Append('=').Append(value).Append('\n');
            return this;
        }
    }
}
