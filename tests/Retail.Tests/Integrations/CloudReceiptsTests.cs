using System.Text;
using Retail.Catalog;
using Retail.Integrations;
using Retail.Registers;
using Retail.Registers.Fiscal;

namespace Retail.Tests.Integrations;

public sealed class CloudReceiptsTests
{
    private static CloudReceiptItem Item(string name, string? userData = null, string? mark = null) =>
        new(name, 100m, 1m, 100m, "vat22", 0, 1, 4, userData, mark);

    [Fact]
    public void A_uuid_is_the_same_for_the_same_register_and_external_id_and_differs_otherwise()
    {
        var uuid = CloudReceipts.Uuid("online-1", "order-42");
        Assert.Equal(uuid, CloudReceipts.Uuid("online-1", "order-42"));
        Assert.NotEqual(uuid, CloudReceipts.Uuid("online-2", "order-42"));
        Assert.NotEqual(uuid, CloudReceipts.Uuid("online-1", "order-43"));
        // No two pairs run together: "a" + "bc" is not "ab" + "c".
        Assert.NotEqual(CloudReceipts.Uuid("a", "bc"), CloudReceipts.Uuid("ab", "c"));
        Assert.True(Guid.TryParse(uuid, out var parsed));
        Assert.Equal(uuid, parsed.ToString("D"));
        Assert.Equal('8', uuid[14]);
    }

    [Fact]
    public void Items_are_looked_up_by_marking_gtin_then_code_then_barcode_then_catalog_name()
    {
        var mark = Convert.ToBase64String(Encoding.UTF8.GetBytes("010460123456789021abcDEF\u001d91EE06"));
        Assert.Equal(
            ["barcode:04601234567890", "barcode:4601234567890", "code:SHOE-1", "barcode:SHOE-1", "barcode:Туфли", "name:Туфли"],
            CloudReceipts.Lookups(Item("Туфли", "SHOE-1", mark)).Select(l => $"{l.Kind}:{l.Value}"));
        // A name with spaces is no SKU code, but may be a catalog name; a GS1 code sent as is works as well as base64.
        Assert.Equal(["barcode:Kefir 1l", "name:Kefir 1l"], CloudReceipts.Lookups(Item("Kefir 1l")).Select(l => $"{l.Kind}:{l.Value}"));
        Assert.Equal("04601234567890", CloudReceipts.Gtin("010460123456789021abc"));
        Assert.Null(CloudReceipts.Gtin("not a marking code"));
        Assert.Null(CloudReceipts.Gtin(null));
    }

    [Fact]
    public void A_sku_answers_a_lookup_only_while_it_still_goes_by_that_name()
    {
        var sku = new Sku("KEF-1", "Kefir 1l", MeasureUnit.Piece, VatRate.Vat22, 100m, SkuKind.Goods, false, ["4600000000017"], []);
        Assert.True(CloudReceipts.Answers(new SkuLookup(SkuLookup.Code, "KEF-1"), sku));
        Assert.True(CloudReceipts.Answers(new SkuLookup(SkuAliases.Barcode, "4600000000017"), sku));
        Assert.True(CloudReceipts.Answers(new SkuLookup(SkuAliases.Name, "Kefir 1l"), sku));
        Assert.False(CloudReceipts.Answers(new SkuLookup(SkuAliases.Barcode, "4600000000024"), sku));
        Assert.False(CloudReceipts.Answers(new SkuLookup(SkuAliases.Name, "Kefir 0.5l"), sku));
    }

    [Fact]
    public void The_receipt_keeps_each_items_own_terms_and_the_sku_it_matched()
    {
        var request = new CloudReceiptRequest("online-1", "order-42", "sell", [Item("Kefir 1l"), Item("Gift wrap")],
            [new PaymentInput(PaymentType.Electronic, 200m)], new CustomerInput("buyer@example.ru", null), null, null, "v4");
        var receipt = CloudReceipts.ToReceipt("u-1", request, ["KEF-1", ""]);
        Assert.Equal("cloud-u-1", receipt.Id);
        Assert.Equal(["KEF-1", ""], receipt.Items.Select(i => i.Sku));
        Assert.Equal(new ReceiptLineTerms("Gift wrap", "vat22", 0, 1, 4, 100m), receipt.Items[1].Terms);
        // The fingerprint ignores where the report is sent and the protocol version, not the content.
        Assert.Equal(CloudReceipts.Fingerprint(request), CloudReceipts.Fingerprint(request with { CallbackUrl = "https://shop.example/cb", ApiVersion = "v5" }));
        Assert.NotEqual(CloudReceipts.Fingerprint(request), CloudReceipts.Fingerprint(request with { Payments = [new PaymentInput(PaymentType.Cash, 200m)] }));
    }
}
