using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Retail.Hosting;

// An extra cluster node without the HTTP API: joins the PostgreSQL cluster named by ConnectionStrings__Retail.
var builder = Host.CreateApplicationBuilder(args);
if (string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString(RetailSilo.ConnectionStringName)))
{
    Console.Error.WriteLine("A stand-alone silo joins a PostgreSQL cluster: set ConnectionStrings__Retail.");
    return 2;
}
builder.AddRetailSilo();
await builder.Build().RunAsync();
return 0;
