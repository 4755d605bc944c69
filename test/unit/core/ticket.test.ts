import { describe, expect, it } from 'vitest';
import { formatTicketId, isOverdue, requestSubjectKey, staffFollowUpSubject, staffFollowUpSummary, staffSubject, staffSummary, ticketIdInSubject, ticketRequestKey, type Ticket } from '../../../src/core/ticket.js';

const ticket: Ticket = {
  id: 'LMA-2026-000123',
  post: 'LMA',
  queue: 'iv-status',
  unit: 'IV Unit – Case Status',
  category: 'iv_inquiry',
  priority: 'urgent',
  caseNumber: 'LMA2023123456',
  lastName: 'Pérez',
  problems: ['missing_contact'],
  sender: 'ana@example.com',
  senderName: 'Ana Pérez',
  subject: 'IV Inquiry LMA2023123456 Pérez',
  receivedAt: '2026-11-24T15:00:00.000Z',
  dueDate: '2026-12-01',
  messages: ['k1'],
  createdAt: '2026-11-24T15:00:00.000Z',
};

describe('tickets', () => {
  it('formats ids with a zero-padded sequence per post and year', () => {
    expect(formatTicketId('LMA', '2026', 123)).toBe('LMA-2026-000123');
  });

  it('gives staff the subject line they sort by', () => {
    expect(staffSubject(ticket)).toBe('[LMA-2026-000123] IV Inquiry LMA2023123456 PÉREZ - due 2026-12-01 - urgent');
    expect(staffSubject({ ...ticket, priority: 'normal', lastName: null, category: 'iv_cancellation' })).toBe('[LMA-2026-000123] IV appointment cancellation LMA2023123456 - due 2026-12-01');
  });

  it('summarises the ticket with sender, case, due date and problems', () => {
    const text = staffSummary(ticket);
    expect(text).toContain('Due:         2026-12-01');
    expect(text).toContain('From:        Ana Pérez <ana@example.com>');
    expect(text).toContain('Problems:    missing_contact');
  });

  it('finds this post’s ticket id in a reply subject only', () => {
    expect(ticketIdInSubject('Re: [LMA-2026-000123] IV Inquiry', 'LMA')).toBe('LMA-2026-000123');
    expect(ticketIdInSubject('Re: [BNS-2026-000123] IV Inquiry', 'LMA')).toBeNull();
    expect(ticketIdInSubject('IV Inquiry LMA2023123456', 'LMA')).toBeNull();
  });

  it('keys reply limits by case number, else by category; an open ticket by case and category', () => {
    expect(requestSubjectKey('LMA2023123456', 'iv_inquiry')).toBe('LMA2023123456');
    expect(requestSubjectKey(null, 'niv')).toBe('category:niv');
    // A cancellation after an inquiry on the same case is another request for another unit.
    expect(ticketRequestKey('LMA2023123456', 'iv_cancellation')).not.toBe(ticketRequestKey('LMA2023123456', 'iv_inquiry'));
  });

  it('is overdue once its due date has passed in the post’s calendar, and only while open', () => {
    expect(isOverdue(ticket, '2026-12-01')).toBe(false);
    expect(isOverdue(ticket, '2026-12-02')).toBe(true);
    expect(isOverdue({ ...ticket, status: 'closed' }, '2026-12-02')).toBe(false);
  });

  it('tells staff of a follow-up in the thread of the ticket’s first e-mail, and whether it reopened the ticket', () => {
    const t = { ...ticket, messages: ['k1', 'k2', 'k3'] };
    expect(staffFollowUpSubject(t)).toBe(`Re: ${staffSubject(t)}`);
    const text = staffFollowUpSummary(t, 'k2', false);
    expect(text).toMatch(/^The sender wrote again in the thread of ticket LMA-2026-000123 \(message 2 of 3\)/);
    expect(text).toContain('Due:         2026-12-01');
    expect(text).toContain("The ticket's first message: triage tickets show LMA-2026-000123.");
    expect(text).not.toContain('reopened');
    expect(staffFollowUpSummary(t, 'k3', true)).toContain('The ticket was closed; this message reopened it.');
  });
});
