using System.Globalization;
using Microsoft.AspNetCore.Localization;
using WeComSuccession.Api;
using WeComSuccession.Infrastructure.Web;

namespace WeComSuccession.Dashboard;

/// <summary>
/// The admin dashboard (管理后台) at <c>/admin</c>: server-rendered pages for HR admins, signed in with WeCom's web
/// login. Each page is one slice (its query, its command, its view) over the flow folders' queries and commands;
/// it maps their outcomes to a page with a message and holds no rules. 简体中文 by default, English by a switch.
/// </summary>
internal static class DashboardSetup
{
    public const string Door = "dashboard";

    public static readonly CultureInfo[] Cultures = [new("zh-CN"), new("en")];

    public static IHostApplicationBuilder AddDashboard(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddLocalization();

        // Chinese text as text in the HTML, not as &#x...; entities (still escaped where HTML needs it).
        services.Configure<Microsoft.Extensions.WebEncoders.WebEncoderOptions>(options =>
            options.TextEncoderSettings = new System.Text.Encodings.Web.TextEncoderSettings(System.Text.Unicode.UnicodeRanges.All));
        services.AddMemoryCache();
        services.AddRazorPages(options =>
        {
            options.RootDirectory = "/";
            options.Conventions.AuthorizeFolder("/Dashboard", DashboardPolicies.Read);
        });
        ApiKeyAwareAntiforgery.Decorate(services);
        services.AddSingleton<WeComSignIn>();
        services.AddSingleton<PeopleRights>();
        services.AddSingleton<Microsoft.AspNetCore.Authentication.IClaimsTransformation>(sp => sp.GetRequiredService<PeopleRights>());
        services.AddAuthentication().AddPolicyScheme(DashboardPolicies.PeopleOrApiKey, null, options => options.ForwardDefaultSelector = context =>
            context.Request.Headers.ContainsKey(ApiKeyAuthenticationHandler.Header) ? ApiKeyAuthenticationHandler.SchemeName : PeopleAuthentication.Scheme);
        DashboardPolicies.Add(services.AddAuthorizationBuilder());
        services.Configure<RequestLocalizationOptions>(options =>
        {
            options.DefaultRequestCulture = new RequestCulture(Cultures[0]);
            options.SupportedCultures = options.SupportedUICultures = Cultures;
            options.RequestCultureProviders = [new CookieRequestCultureProvider(), new AcceptLanguageHeaderRequestCultureProvider()];
            options.FallBackToParentUICultures = true;
        });
        services.AddTransient<IStartupFilter, DashboardPipeline>();
        return builder;
    }

    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", () => Results.Redirect("/admin")).ExcludeFromDescription();
        app.MapDashboardSignIn();
        app.MapRazorPages();
        return app;
    }

    /// <summary>The people's doors speak their language and show their own page for a status (403, 404, 500).</summary>
    private sealed class DashboardPipeline : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.UseRequestLocalization();
            app.UseWhen(
                context => context.Request.Path.StartsWithSegments("/admin") && !context.Request.Path.StartsWithSegments("/admin/jobs"),
                admin => admin.UseStatusCodePagesWithReExecute("/admin/status/{0}"));
            app.UseStaticFiles(); // wwwroot: css/js we write, lib/ from npm (FrontEnd.targets)
            next(app);
        };
    }
}
