using System.Text.Encodings.Web;
using System.Text.Unicode;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.WebEncoders;
using Microsoft.Extensions.DependencyInjection.Extensions;
using WeComSuccession.Infrastructure.Web;

namespace WeComSuccession.Workbench;

/// <summary>
/// The approvers' workbench (工作台) at <c>/workbench</c>: small server-rendered WeUI pages for WeCom's in-app browser on a
/// phone, signed in with WeCom OAuth2 (<see cref="WorkbenchSignIn"/>). An approver sees the plans waiting for their
/// decision and their past decisions, and decides, changes successors or splits items through the approval commands;
/// a plan that is not theirs is a 403 page. 简体中文 by default, English by the request's language.
/// </summary>
internal static class WorkbenchSetup
{
    public const string Door = "workbench";

    /// <summary>Any member signed in with the people cookie: what each one may see and do is the commands' to say.</summary>
    public const string MemberPolicy = "Workbench.Member";

    public static IHostApplicationBuilder AddWorkbench(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.TryAddSingleton<WeComSignIn>();
        services.Configure<RazorPagesOptions>(options => options.Conventions.AuthorizeFolder("/Workbench", MemberPolicy));
        services.AddAuthorizationBuilder().AddPolicy(MemberPolicy, p => p.AddAuthenticationSchemes(PeopleAuthentication.Scheme).RequireAuthenticatedUser());
        services.AddTransient<IStartupFilter, WorkbenchPipeline>();

        // Pages write Chinese as it is (3 bytes a character), not as &#x...; entities (8): a phone on a slow network
        // loads the page in half the bytes. Only the characters HTML needs escaped are (the encoder's rule).
        services.Configure<WebEncoderOptions>(o => o.TextEncoderSettings = new TextEncoderSettings(UnicodeRanges.All));
        return builder;
    }

    public static IEndpointRouteBuilder MapWorkbench(this IEndpointRouteBuilder app) => app.MapWorkbenchSignIn();

    /// <summary>The workbench shows its own page for a status (403, 404, 500), in WeUI like the rest of it.</summary>
    private sealed class WorkbenchPipeline : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.UseWhen(
                context => context.Request.Path.StartsWithSegments("/workbench"),
                workbench => workbench.UseStatusCodePagesWithReExecute("/workbench/status/{0}"));
            next(app);
        };
    }
}
