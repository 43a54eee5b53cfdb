using System.Net;
using Retail.Tests.Http;

namespace Retail.Tests.Dashboard;

/// <summary>The API with the Orleans dashboard mounted, as an operator would run it.</summary>
public sealed class OrleansDashboardApi : ApiFactory
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Retail:Dashboard:Orleans"] = "true" };
}

public sealed class OrleansDashboardTests(OrleansDashboardApi api) : IClassFixture<OrleansDashboardApi>
{
    private readonly TestChain chain = new(api);

    private static async Task<HttpResponseMessage> OpenAsync(HttpClient client, string? cookie, string path = "/orleans/")
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (cookie is not null)
            request.Headers.Add("Cookie", cookie);
        return await client.SendAsync(request);
    }

    private static async Task<string> TicketAsync(HttpClient client)
    {
        using var response = await client.PostAsync("/api/v1/dashboard/orleans-session", null);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var cookie = response.Headers.GetValues("Set-Cookie").Single();
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/orleans", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        return cookie.Split(';')[0];
    }

    [Fact]
    public async Task Only_an_admin_key_s_ticket_opens_the_Orleans_dashboard()
    {
        var anonymous = api.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await OpenAsync(anonymous, null)).StatusCode);

        var store = await chain.StoreAsync();
        var (_, _, manager) = await chain.KeyAsync("manager", storeIds: [store]);
        Assert.Equal(HttpStatusCode.Forbidden, (await manager.PostAsync("/api/v1/dashboard/orleans-session", null)).StatusCode);

        var ticket = await TicketAsync(chain.Admin);
        using var page = await OpenAsync(anonymous, ticket);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Unauthorized, (await OpenAsync(anonymous, ticket[..^1] + (ticket[^1] == '0' ? '1' : '0'))).StatusCode);
        // Its own API, which its page calls without our header, is behind the same ticket.
        using var counters = await OpenAsync(anonymous, ticket, "/orleans/DashboardCounters");
        Assert.Equal(HttpStatusCode.OK, counters.StatusCode);
        Assert.Equal("application/json", counters.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Unauthorized, (await OpenAsync(anonymous, null, "/orleans/DashboardCounters")).StatusCode);

        // A ticket names its key: revoking the key closes the dashboard too.
        var (keyId, _, otherAdmin) = await chain.KeyAsync("admin");
        var revocable = await TicketAsync(otherAdmin);
        Assert.Equal(HttpStatusCode.OK, (await OpenAsync(anonymous, revocable)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await chain.Admin.DeleteAsync($"/api/v1/api-keys/{keyId}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await OpenAsync(anonymous, revocable)).StatusCode);
    }
}

[Collection(ApiCollection.Name)]
public sealed class OrleansDashboardOffTests(ApiFactory api)
{
    [Fact]
    public async Task Without_the_setting_the_Orleans_dashboard_is_not_mounted()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await api.Admin().PostAsync("/api/v1/dashboard/orleans-session", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.CreateClient().GetAsync("/orleans/")).StatusCode);
    }
}
