using System.Globalization;
using System.Net;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;
using Retail.Catalog;
using Retail.Common;
using Retail.Hosting;
using Retail.Registers.Fiscal;

namespace Retail.Registers;

/// <summary>Where e-receipts are mailed from (<c>Retail:Mail:*</c>). Without a host, e-mails stay queued.</summary>
public sealed class MailOptions : ISettingsSection<MailOptions>
{
    public static string Section => "Retail:Mail";

    public string? Host { get; set; }
    public int Port { get; set; } = 25;

    /// <summary><c>auto</c> (STARTTLS when the server offers it), <c>none</c>, <c>starttls</c>, or <c>tls</c> (TLS from the start).</summary>
    public string Security { get; set; } = "auto";

    public string From { get; set; } = "receipts@localhost";
    public string? User { get; set; }
    public string? Password { get; set; }
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    public bool Enabled => !string.IsNullOrWhiteSpace(Host);

    public static IReadOnlyList<SettingRule<MailOptions>> Rules { get; } =
    [
        new(nameof(Port), o => o.Port is > 0 and < 65536, "a port from 1 to 65535"),
        new(nameof(Security), o => o.Security is "auto" or "none" or "starttls" or "tls", "auto, none, starttls or tls"),
        new(nameof(From), o => MailboxAddress.TryParse(o.From, out _), "an e-mail address"),
    ];
}

/// <summary>
/// An e-receipt as the buyer reads it: the store, every line, the totals and VAT, the fiscal attributes
/// (FN, FD, FP, shift and receipt numbers, registration number, date and time) and the QR code to check it
/// with the tax service, as an inline PNG image. Built here, sent over SMTP.
/// </summary>
public sealed class EReceiptMail(IOptions<MailOptions> options)
{
    /// <summary>Numbers as Russian readers write them (1 234,50), without depending on the host's culture data.</summary>
    private static readonly NumberFormatInfo Russian = new()
    {
        NumberDecimalSeparator = ",", NumberGroupSeparator = "\u00A0", NumberGroupSizes = [3],
    };

    public bool Enabled => options.Value.Enabled;

    public static MimeMessage Compose(ReceiptDocument receipt, Store? store, string from, string to)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse(to));
        var refund = receipt.Operation != FiscalOperation.Sell.ToApiName();
        message.Subject = $"{(refund ? "Чек возврата" : "Кассовый чек")} № {receipt.ReceiptNumber}, {store?.Name ?? receipt.StoreId}";

        var builder = new BodyBuilder();
        var qr = builder.LinkedResources.Add("qr.png", ReceiptQrImage.Png(receipt.Qr),
            new ContentType("image", "png"));
        qr.ContentId = "qr@receipt";
        string Money(decimal value) => value.ToString("N2", Russian) + " ₽";
        string H(string text) => WebUtility.HtmlEncode(text);

        var lines = string.Concat(receipt.Items.Select((item, i) =>
            $"<tr><td>{i + 1}. {H(item.Name)}</td><td>{item.Quantity.ToString("0.###", Russian)} × {Money(item.Price)}</td><td>{Money(item.Sum)}</td><td>НДС {H(item.Vat)}: {Money(item.VatAmount)}</td></tr>"));
        var vat = string.Concat(receipt.Vat.Select(v => $"<tr><td>НДС {H(v.Rate)}</td><td colspan=\"3\">{Money(v.Amount)}</td></tr>"));
        var payments = string.Concat(receipt.Payments.Select(p => $"<tr><td>Оплата: {H(p.Type)}</td><td colspan=\"3\">{Money(p.Amount)}</td></tr>"));
        var attributes = new (string Name, string Value)[]
        {
            ("Дата и время", receipt.DateTime.ToString("dd.MM.yyyy HH:mm", CultureInfo.InvariantCulture)),
            ("Смена", receipt.ShiftNumber.ToString(CultureInfo.InvariantCulture)),
            ("Чек", receipt.ReceiptNumber.ToString(CultureInfo.InvariantCulture)),
            ("РН ККТ", receipt.RegistrationNumber),
            ("ФН", receipt.FnSerial),
            ("ФД", receipt.FiscalDocumentNumber.ToString(CultureInfo.InvariantCulture)),
            ("ФП", receipt.FiscalSign.ToString(CultureInfo.InvariantCulture)),
            ("ИНН", store?.Inn ?? ""),
        };
        builder.HtmlBody = $"""
            <html><body>
            <h1>{H(store?.Name ?? receipt.StoreId)}</h1>
            <p>{H(store?.Address ?? "")}</p>
            <p>{(refund ? "Возврат прихода" : "Приход")}</p>
            <table>{lines}{vat}<tr><td><b>Итого</b></td><td colspan="3"><b>{Money(receipt.Total)}</b></td></tr>{payments}</table>
            <table>{string.Concat(attributes.Select(a => $"<tr><td>{a.Name}</td><td>{H(a.Value)}</td></tr>"))}</table>
            <p><img src="cid:{qr.ContentId}" alt="QR-код чека для проверки"></p>
            <p>Проверить чек: https://check.nalog.ru, {H(receipt.Qr)}</p>
            </body></html>
            """;
        builder.TextBody = string.Join("\n", new[] { store?.Name ?? receipt.StoreId, refund ? "Возврат прихода" : "Приход" }
            .Concat(receipt.Items.Select((item, i) => $"{i + 1}. {item.Name}: {item.Quantity.ToString("0.###", Russian)} × {Money(item.Price)} = {Money(item.Sum)}"))
            .Append($"Итого: {Money(receipt.Total)}")
            .Concat(attributes.Select(a => $"{a.Name}: {a.Value}"))
            .Append($"QR: {receipt.Qr}"));
        message.Body = builder.ToMessageBody();
        return message;
    }

    /// <summary>Sends the e-receipt; null when the server took it, else why not.</summary>
    public async Task<string?> SendAsync(ReceiptDocument receipt, Store? store, string to)
    {
        var settings = options.Value;
        try
        {
            var message = Compose(receipt, store, settings.From, to);
            using var smtp = new SmtpClient { Timeout = (int)settings.Timeout.TotalMilliseconds };
            var security = settings.Security switch
            {
                "none" => SecureSocketOptions.None,
                "starttls" => SecureSocketOptions.StartTls,
                "tls" => SecureSocketOptions.SslOnConnect,
                _ => SecureSocketOptions.StartTlsWhenAvailable,
            };
            await smtp.ConnectAsync(settings.Host!, settings.Port, security);
            if (!string.IsNullOrEmpty(settings.User))
                await smtp.AuthenticateAsync(settings.User, settings.Password ?? "");
            await smtp.SendAsync(message);
            await smtp.DisconnectAsync(quit: true);
            return null;
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            return $"{error.GetType().Name}: {error.Message}";
        }
    }
}
