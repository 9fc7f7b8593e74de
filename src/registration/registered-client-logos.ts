import { Injectable, OnModuleInit } from '@nestjs/common';
import { type ClientLogoSource, ClientsService } from '../clients/clients.service';
import { ClientRegistrationRepository } from './client-registration.repository';

/** The `logo_uri` a client registered (RFC 7591) or its metadata document gave, for the consent page. */
@Injectable()
export class RegisteredClientLogos implements ClientLogoSource, OnModuleInit {
  constructor(
    private readonly clients: ClientsService,
    private readonly registrations: ClientRegistrationRepository,
  ) {}

  onModuleInit(): void {
    this.clients.useLogoSource(this);
  }

  async logoUri(clientId: string): Promise<string | null> {
    const logo = (await this.registrations.find(clientId))?.metadata.registered.logo_uri;
    return typeof logo === 'string' ? logo : null;
  }
}
